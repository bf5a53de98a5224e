/**
 * The per-call `timeout` follows the rule of `HAProxy.connect({ timeout })`: a number >= 0 in ms,
 * `0` and `Infinity` meaning no limit. A negative, NaN or non-number budget rejects with
 * `InvalidArgumentError` before anything is sent, whatever the method: a read, a write, a handle's
 * method, a plugin command (line or multi-step), `hap.execute()` and `hap.command()`.
 */
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { aclPlugin } from '../../plugin-acl/src/index.js';
import { type Backend, type CallOptions, HAProxy, InvalidArgumentError } from '../src/index.js';
import { defineCommand, definePlugin } from '../src/plugin/index.js';
import { timeout } from '../src/transport/interceptors.js';

const showVersion = defineCommand({
  id: 'show version',
  serialize: () => 'show version',
  parse: (reply) => reply.trim(),
  merge: 'same-or-inconsistent',
  idempotent: true,
});
const twoSteps = defineCommand({
  id: 'two steps',
  run: async (context) => {
    await context.run('show version', { idempotent: true });
    await context.run('show version', { idempotent: true });
    return 'done';
  },
});
const plugins = [
  aclPlugin(),
  definePlugin({ name: 't', apiVersion: 1, commands: { showVersion, twoSteps } }),
];

type Client = Awaited<ReturnType<typeof connect>>;
type Call = (hap: Client, options: CallOptions, backend: Backend) => Promise<unknown>;
const CALLS: ReadonlyArray<[string, Call]> = [
  ['hap.version() (a read)', (hap, options) => hap.version(options)],
  ['hap.setMaxConn() (a write)', (hap, options) => hap.setMaxConn(1000, options)],
  ['Backend.status() (a handle)', (_hap, options, backend) => backend.status(options)],
  ['hap.acl.list() (a plugin command)', (hap, options) => hap.acl.list(options)],
  ['hap.t.showVersion() (a line command)', (hap, options) => hap.t.showVersion(options)],
  ['hap.t.twoSteps() (a multi-step command)', (hap, options) => hap.t.twoSteps(options)],
  ['hap.execute()', (hap, options) => hap.execute(showVersion, options)],
  ['hap.command()', (hap, options) => hap.command('show version', options)],
];

let socketDir = '';
const connect = () => HAProxy.connect({ socketDir, plugins });

describe('per-call timeout', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config: 'global\n    maxconn 1000\nbackend be\n    server s1 127.0.0.1:81\n',
  });
  const sent = () => cluster.current.processes.reduce((total, process) => total + process.calls.length, 0);

  for (const [name, call] of CALLS) {
    for (const bad of [-1, Number.NaN, '100' as unknown as number]) {
      it(`${name} refuses timeout ${String(bad)} before sending anything`, async () => {
        socketDir = cluster.current.socketDir;
        const hap = await connect();
        try {
          const backend = await hap.backend('be'); // looked up before counting
          const before = sent();
          const error = await call(hap, { timeout: bad }, backend).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as InvalidArgumentError).message).toMatch(/timeout must be a number >= 0/);
          expect(sent()).toBe(before);
        } finally {
          await hap.close();
        }
      });
    }
    for (const unlimited of [0, Number.POSITIVE_INFINITY]) {
      it(`${name} runs with timeout ${unlimited} (no limit, as for connect)`, async () => {
        socketDir = cluster.current.socketDir;
        const hap = await connect();
        try {
          const result = await call(hap, { timeout: unlimited }, await hap.backend('be'));
          if (Array.isArray(result) && result[0] && 'ok' in result[0]) expect(result[0].ok).toBe(true);
        } finally {
          await hap.close();
        }
      });
    }
  }
});

describe('the timeout() interceptor', () => {
  it('refuses a negative or NaN default budget when it is created', () => {
    expect(() => timeout({ ms: -1 })).toThrow(InvalidArgumentError);
    expect(() => timeout({ ms: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => timeout({ ms: 0 })).not.toThrow();
  });
});

describe('refresh() with a bad timeout', () => {
  it('rejects with InvalidArgumentError like every other call', async () => {
    const { createFakeCluster } = await import('@haproxyadmin/testing');
    const fleet = await createFakeCluster({
      processes: 1,
      config: 'backend be\n    server s1 127.0.0.1:81\n',
    });
    const hap = await HAProxy.connect({ socketDir: fleet.socketDir });
    try {
      for (const bad of [-1, Number.NaN, '5' as never]) {
        await expect(hap.refresh({ timeout: bad })).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await hap.refresh({ timeout: 0 })).toHaveLength(1);
    } finally {
      await hap.close();
      await fleet.close();
    }
  });
});

describe('executor.run() with a master CLI', () => {
  it('a bad timeout rejects once, before any worker is asked', async () => {
    const { createFakeCluster } = await import('@haproxyadmin/testing');
    const fleet = await createFakeCluster({
      processes: 2,
      master: true,
      config: 'backend be\n    server s1 127.0.0.1:81\n',
    });
    const hap = await HAProxy.connect({ master: fleet.masterSocket! });
    try {
      await hap.processIds();
      const calls = () => fleet.processes.reduce((sum, fake) => sum + fake.calls.length, 0);
      const before = calls();
      // one rejection, not one failed outcome per worker
      await expect(hap.executor.run('show info', { timeout: -1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(calls()).toBe(before);
    } finally {
      await hap.close();
      await fleet.close();
    }
  });
});
