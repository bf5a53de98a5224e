/**
 * `Backend#addServer()`, `Server#delete()` and `Backend#deleteServer()` on real HAProxy 2.6
 * processes and on the fake cluster: preconditions checked on every process before sending, every
 * effect read back raw per process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AggregateProcessError,
  type Backend,
  CommandFailedError,
  HAProxy,
  InvalidArgumentError,
  NotFoundError,
  PreconditionFailedError,
} from '../src/index.js';
import {
  onEvery,
  raw,
  rawState,
  SERVERS_TARGETS,
  type ServersTarget,
  stateEverywhere,
  statEverywhere,
} from './servers-extra-targets.js';

const names = async (target: ServersTarget, index: number, backend: string) =>
  (await raw(target, index, `show servers state ${backend}`))
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.split(' ')[3]);

for (const factory of SERVERS_TARGETS) {
  (factory.available ? describe : describe.skip)(`dynamic servers: ${factory.name}`, () => {
    let target: ServersTarget;
    let hap: HAProxy;
    let n: number;
    let be: Backend;
    let beDrain: Backend;
    const everywhere = (backend: string) => onEvery(target, (index) => names(target, index, backend));
    const writes = () => target.calls().filter((line) => !line.startsWith('show'));

    beforeAll(async () => {
      target = await factory.start();
      n = target.sockets.length;
      hap = await HAProxy.connect({ socketDir: target.socketDir, timeout: 5000 });
      be = await hap.backend('be');
      beDrain = await hap.backend('be_drain');
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });
    beforeEach(() => {
      for (const process of target.fake?.processes ?? []) process.calls.length = 0;
    });

    it('addServer: on every process, in MAINT with checks configured but off, keywords applied', async () => {
      const server = await be.addServer('n1', '127.0.0.1:26901', {
        weight: 5,
        check: true,
        inter: 60_000,
        maxconn: 10,
      });
      expect(server.key).toBe('be/n1');
      expect(await everywhere('be')).toEqual(Array(n).fill(['s1', 's2', 's3', 's4', 's5', 'n1']));
      expect(await stateEverywhere(target, 'be', 'n1', 'srv_admin_state')).toEqual(Array(n).fill('1'));
      expect(await stateEverywhere(target, 'be', 'n1', 'srv_uweight')).toEqual(Array(n).fill('5'));
      expect(await stateEverywhere(target, 'be', 'n1', 'srv_check_state')).toEqual(Array(n).fill('2'));
      expect(await stateEverywhere(target, 'be', 'n1', 'srv_port')).toEqual(Array(n).fill('26901'));
      expect(await statEverywhere(target, 'be', 'n1', 'slim')).toEqual(Array(n).fill('10'));
      expect(await server.status()).toBe('MAINT');
    });

    it('addServer with enable: ready and health checks running on every process', async () => {
      const port = (await rawState(target, 0, 'be', 's1', 'srv_port'))!;
      const server = await be.addServer('n2', `127.0.0.1:${port}`, {
        check: true,
        inter: 60_000,
        enable: true,
      });
      expect(await stateEverywhere(target, 'be', 'n2', 'srv_admin_state')).toEqual(Array(n).fill('0'));
      // its checks run: one may be in progress (bit 1) when the state is read
      const checkState = await stateEverywhere(target, 'be', 'n2', 'srv_check_state');
      expect(checkState.map((value) => String(Number(value) & ~1))).toEqual(Array(n).fill('6'));
      expect(await stateEverywhere(target, 'be', 'n2', 'srv_op_state')).toEqual(Array(n).fill('2'));
      await server.delete();
      expect(await everywhere('be')).toEqual(Array(n).fill(['s1', 's2', 's3', 's4', 's5', 'n1']));
    });

    it('a name taken on any process: PreconditionFailedError naming it, nothing sent anywhere', async () => {
      await expect(be.addServer('s1', '127.0.0.1:26902')).rejects.toBeInstanceOf(PreconditionFailedError);
      // taken on process 0 only (added there behind the SDK's back)
      expect((await raw(target, 0, 'add server be/p1 127.0.0.1:26903')).trim()).toBe(
        'New server registered.',
      );
      for (const process of target.fake?.processes ?? []) process.calls.length = 0;
      const error = (await be
        .addServer('p1', '127.0.0.1:26903')
        .catch((caught: unknown) => caught)) as PreconditionFailedError;
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error.code).toBe('HAPROXY_ERR_PRECONDITION');
      expect(error.processes).toHaveLength(1);
      // the message names the process where the name is taken
      const taken = error.processes[0]!.process!;
      expect(error.message).toBe(
        `cannot add server be/p1: server be/p1 exists already (on ${taken.endpoint} pid ${taken.pid})`,
      );
      const present = await everywhere('be');
      expect(present[0]).toContain('p1');
      for (const list of present.slice(1)) expect(list).not.toContain('p1');
      if (target.fake) expect(writes()).toEqual([]);
      // deleting it from the one process that has it
      await be.deleteServer('p1');
      for (const list of await everywhere('be')) expect(list).not.toContain('p1');
    });

    it('bad input: InvalidArgumentError before anything is sent; unknown backend: NotFoundError', async () => {
      const before = await everywhere('be');
      const bad: Array<() => Promise<unknown>> = [
        () => be.addServer('bad name', '127.0.0.1:1'),
        () => be.addServer('x', 'localhost:80'),
        () => be.addServer('x', '127.0.0.1:99999'),
        () => be.addServer('x', '127.0.0.1:80 check'),
        () => be.addServer('x', '127.0.0.1:80', { wieght: 5 } as never),
        () => be.addServer('x', '127.0.0.1:80', { weight: 300 }),
        () => be.addServer('x', '127.0.0.1:80', { check: 'yes' } as never),
        () => be.addServer('x', '127.0.0.1:80', { verify: 'none' }),
        () => be.addServer('x', '127.0.0.1:80', { agentCheck: true }),
        () => be.addServer('x', '127.0.0.1:80', { agentSend: 'a\nb', agentCheck: true, agentPort: 1 }),
        // HAProxy 2.6 refuses `cookie` on a dynamic server: not an option
        () => be.addServer('x', '127.0.0.1:80', { cookie: 'abc' } as never),
        () => be.deleteServer('bad name'),
        () => be.deleteServer('s1', { drainTimeout: -5 }),
      ];
      for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await everywhere('be')).toEqual(before);
      if (target.fake) expect(writes()).toEqual([]);
      await expect((await hap.backend('be_other')).deleteServer('nosuch')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('HAProxy refusing an add is reported with its answer and nothing stays behind', async () => {
      // `id` already used by s1: HAProxy refuses on every process.
      const error = await be.addServer('n9', '127.0.0.1:26909', { id: 1 }).catch((caught: unknown) => caught);
      // Each process names its own configuration file, so the answers may differ between processes.
      const failures =
        error instanceof AggregateProcessError ? error.failed.map((failure) => failure.error) : [error];
      if (error instanceof AggregateProcessError) expect(error.succeeded).toEqual([]);
      expect(failures.length === 1 || failures.length === n).toBe(true);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(CommandFailedError);
        expect((failure as CommandFailedError).response).toMatch(
          /^'id' : custom id 1 already used at .* \('server s1'\)\./,
        );
      }
      for (const list of await everywhere('be')) expect(list).not.toContain('n9');
    });

    it('delete: MAINT, then del server on every process; the handle is gone', async () => {
      const n1 = await be.server('n1');
      await n1.delete();
      for (const list of await everywhere('be')) expect(list).not.toContain('n1');
      await expect(be.server('n1')).rejects.toBeInstanceOf(NotFoundError);
      await expect(n1.status()).rejects.toBeInstanceOf(NotFoundError);
    });

    /** Put `count` sessions on be_drain/<name> (and nowhere else). */
    const holdOn = async (name: string, count: number) => {
      if (target.fake) {
        target.fake.processes.forEach((process, index) => {
          const share = Math.floor(count / n) + (index < count % n ? 1 : 0);
          process.setSessions({ backend: 'be_drain', server: name }, share);
        });
      } else {
        // be_drain/d1 in MAINT: every new session goes to the new server.
        await (await beDrain.server('d1')).setState('maint');
        await target.hold(count);
        await (await beDrain.server('d1')).setState('ready');
      }
      const held = (await statEverywhere(target, 'be_drain', name, 'scur')).reduce(
        (sum, value) => sum + Number(value),
        0,
      );
      expect(held).toBe(count);
    };

    it('delete with open sessions: refused at the deadline (still there, in MAINT); shutdownSessions deletes', async () => {
      const port = (await rawState(target, 0, 'be_drain', 'd1', 'srv_port'))!;
      const n3 = await beDrain.addServer('n3', `127.0.0.1:${port}`, { enable: true });
      await holdOn('n3', 4);
      const started = Date.now();
      const error = (await n3
        .delete({ timeout: 300, pollInterval: 50 })
        .catch((caught: unknown) => caught)) as PreconditionFailedError;
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error.message).toMatch(/4 session\(s\) still open/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(await stateEverywhere(target, 'be_drain', 'n3', 'srv_admin_state')).toEqual(Array(n).fill('1'));
      await n3.delete({ shutdownSessions: true });
      for (const list of await everywhere('be_drain')) expect(list).toEqual(['d1', 'd2']);
      await target.release();
    });

    it('delete with drainTimeout: sessions get that long, then are shut down, then the server is deleted', async () => {
      const port = (await rawState(target, 0, 'be_drain', 'd1', 'srv_port'))!;
      const n4 = await beDrain.addServer('n4', `127.0.0.1:${port}`, { enable: true });
      await holdOn('n4', 3);
      const started = Date.now();
      await beDrain.deleteServer('n4', { drainTimeout: 250, pollInterval: 50 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      for (const list of await everywhere('be_drain')) expect(list).toEqual(['d1', 'd2']);
      await target.release();
      void n4;
    });

    it('delete of sessions that end by themselves: waits, then deletes', async () => {
      const port = (await rawState(target, 0, 'be_drain', 'd1', 'srv_port'))!;
      await beDrain.addServer('n5', `127.0.0.1:${port}`, { enable: true });
      await holdOn('n5', 2);
      setTimeout(() => {
        if (target.fake)
          for (const process of target.fake.processes)
            process.setSessions({ backend: 'be_drain', server: 'n5' }, 0);
        else void target.release();
      }, 200);
      await beDrain.deleteServer('n5', { timeout: 10_000, pollInterval: 50 });
      for (const list of await everywhere('be_drain')) expect(list).toEqual(['d1', 'd2']);
    });
  });
}
