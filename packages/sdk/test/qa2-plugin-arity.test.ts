/**
 * A JavaScript caller that passes fewer arguments than a command defined by data needs gets an
 * `InvalidArgumentError` naming the command and the count, before anything is sent — not the raw
 * `TypeError` its `serialize` throws on `undefined`. Omitted optional arguments still work.
 */
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { stickTablePlugin } from '../../../examples/plugin-stick-table/src/index.js';
import { HAProxy, InvalidArgumentError } from '../src/index.js';
import { defineCommand, definePlugin, serializeCommand } from '../src/plugin/index.js';

/** The QA case: an explicit `arity: 3` and a serializer that reads its third argument. */
const acmeSet = defineCommand({
  id: 'set table',
  arity: 3,
  serialize: (table: string, key: string, data: Readonly<Record<string, number>>) =>
    serializeCommand(
      'set table',
      table,
      'key',
      key,
      ...Object.entries(data).flatMap(([t, v]) => [`data.${t}`, v]),
    ),
  parse: () => undefined,
});
const viaStep = defineCommand({
  id: 'acme step',
  run: (context, table: string, key: string) =>
    (context.execute as (command: unknown, ...args: unknown[]) => Promise<void>)(acmeSet, table, key),
});
const acme = () => definePlugin({ name: 'acme', apiVersion: 1, commands: { set: acmeSet, step: viaStep } });

describe('plugin commands check their arguments at call time', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config: 'backend st_users\n    stick-table type string len 64 size 1k store gpc0\n',
  });
  const sent = () => cluster.current.processes.reduce((total, process) => total + process.calls.length, 0);
  const connect = () =>
    HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [acme(), stickTablePlugin()] });

  // Typed callers cannot write these calls: the casts stand for JavaScript callers.
  type Loose = (...args: unknown[]) => Promise<unknown>;
  const CASES: ReadonlyArray<[string, (hap: Awaited<ReturnType<typeof connect>>) => Promise<unknown>]> = [
    ["hap.acme.set('st_users', 'k')", (hap) => (hap.acme.set as Loose)('st_users', 'k')],
    ["hap.acme.set('st_users')", (hap) => (hap.acme.set as Loose)('st_users')],
    ["hap.stickTable.set('st_users', 'k')", (hap) => (hap.stickTable.set as Loose)('st_users', 'k')],
    ["hap.execute(acmeSet, 'st_users', 'k')", (hap) => (hap.execute as Loose)(acmeSet, 'st_users', 'k')],
    ['a nested step of a multi-step command', (hap) => hap.acme.step('st_users', 'k')],
  ];
  for (const [name, call] of CASES) {
    it(`${name} rejects with InvalidArgumentError naming the command and the count`, async () => {
      const hap = await connect();
      try {
        const before = sent();
        const error = await call(hap).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(/^"set table" takes 3 arguments, got [12]/);
        expect(sent()).toBe(before);
      } finally {
        await hap.close();
      }
    });
  }

  it('omitted optional arguments still work (clear table with no key)', async () => {
    const hap = await connect();
    try {
      await hap.stickTable.set('st_users', 'alice', { gpc0: 1 });
      await hap.stickTable.clear('st_users');
      await hap.stickTable.clear('st_users', undefined, { timeout: 1000 });
      const lines = cluster.current.processes[0]!.calls.map((call) => call.line);
      expect(lines.filter((line) => line === 'clear table st_users')).toHaveLength(2);
    } finally {
      await hap.close();
    }
  });
});
