import { describe, expect, test } from 'vitest';
import { HAProxy } from '../src/index.js';
import {
  AggregateProcessError,
  type CallOptions,
  type CommandContext,
  CommandFailedError,
  defineCommand,
  definePlugin,
  type Executor,
  expectEmptyReply,
  InconsistentDataError,
  InvalidArgumentError,
  PluginConflictError,
  type ProcessOutcome,
  type ProcessRef,
  type RunOptions,
  serializeCommand,
  SocketConnectionError,
} from '../src/plugin/index.js';

/** An in-test executor: `reply(line, process)` answers for each process; every call is recorded. */
function scriptedExecutor(count: number, reply: (line: string, process: ProcessRef) => string | Error) {
  const processes: ProcessRef[] = Array.from({ length: count }, (_, index) => ({
    key: `unix:///tmp/p${index + 1}.sock`,
    endpoint: `unix:///tmp/p${index + 1}.sock`,
    pid: 100 + index,
    role: 'standalone',
    current: true,
  }));
  const calls: Array<{ line: string; process: string; options: RunOptions }> = [];
  let closed = 0;
  const executor: Executor = {
    processes: async () => processes,
    async run(line, options = {}) {
      const targets = options.targets ?? 'current';
      const chosen = Array.isArray(targets) ? targets : processes;
      return chosen.map((process): ProcessOutcome<string> => {
        calls.push({ line, process: process.key, options });
        const value = reply(line, process);
        return value instanceof Error ? { process, ok: false, error: value } : { process, ok: true, value };
      });
    },
    async close() {
      closed++;
    },
  };
  return { executor, processes, calls, closedCount: () => closed };
}

const setGreeting = defineCommand({
  id: 'set greeting',
  serialize: (name: string, value: string) => serializeCommand('set greeting', name, value),
  parse: (reply, _args, { line }) => expectEmptyReply(reply, line),
});
const showGreeting = defineCommand({
  id: 'show greeting',
  serialize: (name: string) => serializeCommand('show greeting', name),
  parse: (reply) => reply.trim(),
  merge: 'same-or-inconsistent',
  idempotent: true,
});
const greetingPlugin = () =>
  definePlugin({ name: 'greeting', apiVersion: 1, commands: { set: setGreeting, show: showGreeting } });

describe('plugin namespaces', () => {
  test('bind commands to the client, send escaped lines and merge replies', async () => {
    const { executor, calls } = scriptedExecutor(2, (line) => (line.startsWith('show') ? 'hello\n' : ''));
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    await expect(hap.greeting.set('a b;c', 'x')).resolves.toBeUndefined();
    expect(calls.map((call) => call.line)).toEqual(['set greeting a\\ b\\;c x', 'set greeting a\\ b\\;c x']);
    await expect(hap.greeting.show('a')).resolves.toBe('hello');
    expect(calls.at(-1)?.options.idempotent).toBe(true);
    expect(Object.keys(hap)).toContain('greeting');
    expect(Object.isFrozen(hap.greeting)).toBe(true);
  });

  test('hap.execute runs a command without its plugin, options last', async () => {
    const { executor, calls } = scriptedExecutor(1, () => '');
    const hap = await HAProxy.connect({ executor });
    const controller = new AbortController();
    await hap.execute(setGreeting, 'a', 'b', { signal: controller.signal, timeout: 1234 });
    expect(calls[0]?.line).toBe('set greeting a b');
    expect(calls[0]?.options.signal).toBe(controller.signal);
    expect(calls[0]?.options.timeout).toBeGreaterThan(1000);
    expect(calls[0]?.options.timeout).toBeLessThanOrEqual(1234);
  });

  test('bad calls from untyped code are refused before anything is sent', async () => {
    const { executor, calls } = scriptedExecutor(1, () => '');
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    const untyped = hap.greeting.set as unknown as (...args: unknown[]) => Promise<void>;
    await expect(untyped('a', 'b', {}, 'extra')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(untyped('a', 'b', 'not options')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.execute({ id: 'x' } as unknown as typeof setGreeting, 'a', 'b')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(calls).toHaveLength(0);
  });

  test('CR/LF are refused before anything is sent', async () => {
    const { executor, calls } = scriptedExecutor(1, () => '');
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    await expect(hap.greeting.set('a\nshutdown frontend fe', 'x')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(calls).toHaveLength(0);
  });

  test('writes are all-or-error with every outcome', async () => {
    const { executor } = scriptedExecutor(2, (line, process) =>
      process.pid === 101 ? new CommandFailedError(line, 'No such greeting.') : '',
    );
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    const error = await hap.greeting.set('a', 'b').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect((error as AggregateProcessError).succeeded.map((process) => process.pid)).toEqual([100]);
    expect((error as AggregateProcessError).failed.map(({ process }) => process.pid)).toEqual([101]);
  });

  test('an error text in a write reply is an error, never data', async () => {
    const { executor } = scriptedExecutor(1, () => 'Unknown ACL identifier. Please use #<id> or <file>.\n');
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    await expect(hap.greeting.set('a', 'b')).rejects.toBeInstanceOf(CommandFailedError);
  });

  test('same-or-inconsistent reads reject when processes disagree', async () => {
    const { executor } = scriptedExecutor(2, (_line, process) => `hello ${process.pid}\n`);
    const hap = await HAProxy.connect({ executor, plugins: [greetingPlugin()] });
    const error = await hap.greeting.show('a').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InconsistentDataError);
    expect((error as InconsistentDataError).values.map(({ value }) => value)).toEqual([
      'hello 100',
      'hello 101',
    ]);
  });

  test('fan-out one fails over after a socket fault; per-process and custom merges', async () => {
    const { executor, calls } = scriptedExecutor(3, (_line, process) =>
      process.pid === 100 ? new SocketConnectionError('refused', process.endpoint) : `${process.pid}\n`,
    );
    const first = defineCommand({
      id: 'show pid',
      serialize: () => 'show pid',
      parse: (reply) => Number(reply),
      fanout: 'one',
    });
    const each = defineCommand({
      id: 'show pid',
      serialize: () => 'show pid',
      parse: (reply) => Number(reply),
      merge: 'per-process',
      fanout: 'all',
    });
    const sum = defineCommand({
      id: 'show pid',
      serialize: () => 'show pid',
      parse: (reply) => Number(reply),
      merge: (values) => values.filter(({ value }) => !Number.isNaN(value)).length,
    });
    const hap = await HAProxy.connect({ executor });
    await expect(hap.execute(first)).resolves.toBe(101);
    expect(calls.map((call) => call.process)).toEqual(['unix:///tmp/p1.sock', 'unix:///tmp/p2.sock']);
    const outcomes = await hap.execute(each);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, true, true]);
    expect(calls.at(-1)?.options.targets).toBe('all');
    await expect(hap.execute(sum)).rejects.toBeInstanceOf(AggregateProcessError);
  });

  test('multi-step commands get a context with the call options', async () => {
    const { executor, calls } = scriptedExecutor(1, () => '');
    const seen: number[] = [];
    const twice = defineCommand({
      id: 'set greeting twice',
      run: async (
        context: CommandContext<CallOptions & { onStep?: (step: number) => void }>,
        name: string,
      ) => {
        await context.execute(setGreeting, name, 'one');
        context.options.onStep?.(1);
        await context.execute(setGreeting, name, 'two');
        context.options.onStep?.(2);
        return 2;
      },
    });
    expect(twice.arity).toBe(1);
    const hap = await HAProxy.connect({ executor });
    await expect(hap.execute(twice, 'g', { onStep: (step) => seen.push(step) })).resolves.toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(calls.map((call) => call.line)).toEqual(['set greeting g one', 'set greeting g two']);
    const aborted = AbortSignal.abort();
    await expect(hap.execute(twice, 'g', { signal: aborted })).rejects.toBe(aborted.reason);
  });
});

describe('plugin conflicts', () => {
  const plugin = (name: string) => definePlugin({ name, apiVersion: 1, commands: { set: setGreeting } });

  test.each(['close', 'command', 'execute', 'executor', 'then', 'constructor', 'toString', 'hasOwnProperty'])(
    'reserved name %s',
    async (name) => {
      const { executor } = scriptedExecutor(1, () => '');
      await expect(HAProxy.connect({ executor, plugins: [plugin(name)] })).rejects.toBeInstanceOf(
        PluginConflictError,
      );
    },
  );

  test('every HAProxy method name is reserved', async () => {
    const { executor } = scriptedExecutor(1, () => '');
    const names = Object.getOwnPropertyNames(HAProxy.prototype).filter((name) =>
      /^[a-z][A-Za-z0-9]*$/.test(name),
    );
    expect(names).toEqual(expect.arrayContaining(['command', 'execute', 'close']));
    for (const name of names) {
      await expect(HAProxy.connect({ executor, plugins: [plugin(name)] })).rejects.toThrow(
        PluginConflictError,
      );
    }
  });

  test('duplicate names, bad names and unknown apiVersion', async () => {
    const { executor, closedCount } = scriptedExecutor(1, () => '');
    const error = await HAProxy.connect({ executor, plugins: [plugin('acl'), plugin('acl')] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PluginConflictError);
    expect((error as PluginConflictError).namespace).toBe('acl');
    expect((error as PluginConflictError).code).toBe('HAPROXY_ERR_PLUGIN');
    await expect(HAProxy.connect({ executor, plugins: [plugin('Acl')] })).rejects.toThrow(/lower-case/);
    await expect(HAProxy.connect({ executor, plugins: [plugin('a-b')] })).rejects.toThrow(
      PluginConflictError,
    );
    const future = { name: 'future', apiVersion: 2, commands: {} } as unknown as ReturnType<typeof plugin>;
    await expect(HAProxy.connect({ executor, plugins: [future] })).rejects.toThrow(/apiVersion 2/);
    const notCommand = { name: 'bad', apiVersion: 1, commands: { x: () => 1 } } as unknown as ReturnType<
      typeof plugin
    >;
    await expect(HAProxy.connect({ executor, plugins: [notCommand] })).rejects.toThrow(/not a command/);
    expect(closedCount()).toBe(0);
  });

  test('no prototype patching: another client has no namespace', async () => {
    const { executor } = scriptedExecutor(1, () => '');
    const withPlugin = await HAProxy.connect({ executor, plugins: [plugin('greeting')] });
    const without = await HAProxy.connect({ executor });
    expect('greeting' in withPlugin).toBe(true);
    expect('greeting' in without).toBe(false);
    expect('greeting' in HAProxy.prototype).toBe(false);
  });
});
