import { describe, expectTypeOf, test } from 'vitest';
import { HAProxy } from '../src/index.js';
import {
  type CallOptions,
  type CommandContext,
  defineCommand,
  definePlugin,
  expectEmptyReply,
  type ProcessOutcome,
  serializeCommand,
} from '../src/plugin/index.js';

const setGreeting = defineCommand({
  id: 'set greeting',
  serialize: (name: string, value: number) => serializeCommand('set greeting', name, value),
  parse: (reply, _args, { line }) => expectEmptyReply(reply, line),
});
const showGreeting = defineCommand({
  id: 'show greeting',
  serialize: (name: string) => serializeCommand('show greeting', name),
  parse: (reply) => ({ text: reply.trim() }),
  merge: 'same-or-inconsistent',
  idempotent: true,
});
const countPerProcess = defineCommand({
  id: 'show count',
  serialize: () => 'show count',
  parse: (reply) => Number(reply),
  merge: 'per-process',
  fanout: 'all',
});
const total = defineCommand({
  id: 'show count',
  serialize: () => 'show count',
  parse: (reply) => BigInt(reply.trim()),
  merge: (values) => values.reduce((sum, { value }) => sum + value, 0n),
});
interface ReplaceOptions extends CallOptions {
  onProgress?: ((done: number) => void) | undefined;
}
const replaceAll = defineCommand({
  id: 'replace greeting',
  run: async (context: CommandContext<ReplaceOptions>, name: string, values: readonly string[]) => {
    context.options.onProgress?.(values.length);
    await context.execute(setGreeting, name, values.length);
    return { replaced: values.length };
  },
});
const demoPlugin = () =>
  definePlugin({
    name: 'demo',
    apiVersion: 1,
    commands: { set: setGreeting, show: showGreeting, counts: countPerProcess, total, replace: replaceAll },
  });
const otherPlugin = definePlugin({ name: 'other', apiVersion: 1, commands: { show: showGreeting } });

declare const options: { socketDir: string };

describe('plugin namespaces', () => {
  test('exact inferred signatures', async () => {
    const hap = await HAProxy.connect({ ...options, plugins: [demoPlugin(), otherPlugin] });
    expectTypeOf(hap.demo.set).toEqualTypeOf<
      (name: string, value: number, options?: CallOptions) => Promise<void>
    >();
    expectTypeOf(hap.demo.show).toEqualTypeOf<
      (name: string, options?: CallOptions) => Promise<{ text: string }>
    >();
    expectTypeOf(hap.demo.counts).toEqualTypeOf<
      (options?: CallOptions) => Promise<ProcessOutcome<number>[]>
    >();
    expectTypeOf(hap.demo.total).toEqualTypeOf<(options?: CallOptions) => Promise<bigint>>();
    expectTypeOf(hap.demo.replace).toEqualTypeOf<
      (name: string, values: readonly string[], options?: ReplaceOptions) => Promise<{ replaced: number }>
    >();
    expectTypeOf(hap.other.show).toEqualTypeOf(hap.demo.show);
    expectTypeOf(hap.execute(setGreeting, 'a', 1)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(
      hap.execute(replaceAll, 'a', ['x'], { onProgress: (done: number) => void done }),
    ).toEqualTypeOf<Promise<{ replaced: number }>>();
  });

  test('uninstalled namespaces and wrong arity are type errors', async () => {
    const hap = await HAProxy.connect({ ...options, plugins: [otherPlugin] });
    // @ts-expect-error demo is not installed
    hap.demo;
    // @ts-expect-error missing argument
    await hap.other.show();
    // @ts-expect-error too many arguments
    await hap.other.show('a', {}, 'b');
    // @ts-expect-error wrong type
    await hap.other.show(1);
    // @ts-expect-error wrong arity through execute
    await hap.execute(setGreeting, 'a');
    // @ts-expect-error unknown option
    await hap.other.show('a', { onProgress: () => {} });
    const bare = await HAProxy.connect(options);
    // @ts-expect-error no plugins installed
    bare.acl;
  });

  test('no any leaks', async () => {
    const hap = await HAProxy.connect({ ...options, plugins: [demoPlugin()] });
    expectTypeOf(hap.demo).not.toBeAny();
    expectTypeOf(hap.demo.show).returns.resolves.not.toBeAny();
    expectTypeOf(hap.demo.total).returns.resolves.toEqualTypeOf<bigint>();
    expectTypeOf(hap.demo.set).parameters.not.toBeAny();
    expectTypeOf<Parameters<typeof hap.demo.set>[0]>().toEqualTypeOf<string>();
  });
});
