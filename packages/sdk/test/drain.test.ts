/**
 * `Server#drain()` and `HAProxy#drainServer()` on real HAProxy 2.6 processes (real TCP sessions
 * held through a frontend to an echo server, then released) and on the fake cluster (held
 * sessions). DRAIN and MAINT are read back raw on every process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DrainTimeoutError,
  type DrainProgress,
  HAProxy,
  InvalidArgumentError,
  NotFoundError,
  type Server,
} from '../src/index.js';
import { SERVERS_TARGETS, type ServersTarget, statEverywhere } from './servers-extra-targets.js';
import { waitFor } from './setup-wait.js';

const total = (values: readonly (string | undefined)[]) =>
  values.reduce((sum, value) => sum + Number(value ?? 0), 0);

for (const factory of SERVERS_TARGETS) {
  (factory.available ? describe : describe.skip)(`drain: ${factory.name}`, () => {
    let target: ServersTarget;
    let hap: HAProxy;
    let n: number;
    let d1: Server;
    const status = () => statEverywhere(target, 'be_drain', 'd1', 'status');
    const sessions = async () => total(await statEverywhere(target, 'be_drain', 'd1', 'scur'));
    /** Wait until every process shows `proxy/d1` in DRAIN (the drain's first write, not instant). */
    const draining = (proxy = 'be_drain') =>
      waitFor(
        async () => {
          const now = await statEverywhere(target, proxy, 'd1', 'status');
          return now.every((value) => value === 'DRAIN') && now;
        },
        { what: `${proxy}/d1 in DRAIN on every process` },
      );

    beforeAll(async () => {
      target = await factory.start();
      n = target.sockets.length;
      hap = await HAProxy.connect({ socketDir: target.socketDir, timeout: 5000 });
      d1 = await (await hap.backend('be_drain')).server('d1');
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });
    afterEach(async () => {
      await target.release();
      await d1.setState('ready');
      await (await hap.backend('be_other')).server('d1').then((server) => server.setState('ready'));
    });

    it('DRAIN on every process while sessions are open, MAINT once they are closed', async () => {
      await target.hold(5);
      expect(await sessions()).toBe(5);
      const progress: DrainProgress[] = [];
      const done = d1.drain({
        timeout: 15_000,
        pollInterval: 50,
        onProgress: (update) => progress.push(update),
      });
      // Once DRAIN is written and the first count reported, release the sessions one by one
      // while the drain polls.
      const sawDrain = await draining();
      await waitFor(() => progress.length > 0, { what: 'the first progress report' });
      for (let left = 5; left > 0; left--) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        await target.release(1);
      }
      const result = await done;
      expect(sawDrain).toEqual(Array(n).fill('DRAIN'));
      expect(result.drained).toBe(true);
      expect(result.remainingSessions).toBe(0);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(500);
      expect(result.servers).toEqual([{ server: d1, drained: true, remainingSessions: 0 }]);
      expect(await status()).toEqual(Array(n).fill('MAINT'));
      // progress: starts at 5, never grows, ends at 0, with a count per process
      expect(progress[0]!.sessions).toBe(5);
      expect(progress.at(-1)!.sessions).toBe(0);
      for (let i = 1; i < progress.length; i++)
        expect(progress[i]!.sessions).toBeLessThanOrEqual(progress[i - 1]!.sessions);
      expect(progress[0]!.perProcess).toHaveLength(n);
      expect(progress[0]!.perProcess.reduce((sum, entry) => sum + entry.sessions, 0)).toBe(5);
      expect(new Set(progress[0]!.perProcess.map((entry) => entry.server))).toEqual(new Set(['be_drain/d1']));
    });

    it('no session: MAINT at once, drained', async () => {
      const result = await d1.drain({ timeout: 30_000, pollInterval: 50 });
      expect(result).toMatchObject({ drained: true, remainingSessions: 0 });
      // at once: nowhere near the deadline (generous bound: CI machines may be slow)
      expect(result.elapsedMs).toBeLessThan(10_000);
      expect(await status()).toEqual(Array(n).fill('MAINT'));
    });

    it('deadline with sessions open (default force): MAINT anyway, remaining sessions reported, not closed', async () => {
      await target.hold(3);
      const result = await d1.drain({ timeout: 300, pollInterval: 50 });
      expect(result.drained).toBe(false);
      expect(result.remainingSessions).toBe(3);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
      expect(await status()).toEqual(Array(n).fill('MAINT'));
      expect(await sessions()).toBe(3);
    });

    it('deadline with force: false: DrainTimeoutError, the server stays in DRAIN', async () => {
      await target.hold(2);
      const error = await d1
        .drain({ timeout: 200, pollInterval: 50, force: false })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DrainTimeoutError);
      expect((error as DrainTimeoutError).remainingSessions).toBe(2);
      expect((error as DrainTimeoutError).code).toBe('HAPROXY_ERR_DRAIN_TIMEOUT');
      expect((error as DrainTimeoutError).perProcess.reduce((sum, entry) => sum + entry.sessions, 0)).toBe(2);
      expect(await status()).toEqual(Array(n).fill('DRAIN'));
    });

    it('a DOWN server and an already draining one drain too', async () => {
      await d1.setHealth('down');
      await target.hold(0);
      expect(await status()).toEqual(Array(n).fill('DOWN'));
      const down = await d1.drain({ timeout: 2000, pollInterval: 50 });
      expect(down.drained).toBe(true);
      expect(await status()).toEqual(Array(n).fill('MAINT'));
      await d1.setState('ready');
      await d1.setHealth('up');
      await d1.setState('drain');
      const again = await d1.drain({ timeout: 2000, pollInterval: 50 });
      expect(again.drained).toBe(true);
      expect(await status()).toEqual(Array(n).fill('MAINT'));
    });

    it('abort: rejects with the reason at once, the server stays in DRAIN', async () => {
      await target.hold(2);
      const controller = new AbortController();
      const drain = d1.drain({ timeout: 30_000, pollInterval: 100, signal: controller.signal });
      drain.catch(() => {}); // rejected below; no unhandled rejection meanwhile
      // abort once the drain is under way (DRAIN written), not after a fixed delay
      await draining();
      const aborted = Date.now();
      controller.abort(new Error('operator gave up'));
      await expect(drain).rejects.toThrow('operator gave up');
      expect(Date.now() - aborted).toBeLessThan(2000);
      expect(await status()).toEqual(Array(n).fill('DRAIN'));
    });

    it('bad options: InvalidArgumentError before anything is sent', async () => {
      for (const process of target.fake?.processes ?? []) process.calls.length = 0;
      for (const options of [
        { timeout: -1 },
        { timeout: Number.NaN },
        { pollInterval: 1 },
        { force: 'yes' },
        { onProgress: 'log' },
      ]) {
        await expect(d1.drain(options as never)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await status()).toEqual(Array(n).fill('no check'));
      if (target.fake) expect(target.calls().filter((line) => !line.startsWith('show'))).toEqual([]);
    });

    it('HAProxy#drainServer across every backend: one poll for both, sessions of both counted', async () => {
      await target.hold(2, 'fe_drain');
      await target.hold(2, 'fe_other');
      const progress: number[] = [];
      const done = hap.drainServer('d1', {
        timeout: 10_000,
        pollInterval: 50,
        onProgress: (update) => progress.push(update.sessions),
      });
      expect(await draining('be_other')).toEqual(Array(n).fill('DRAIN'));
      expect(await draining()).toEqual(Array(n).fill('DRAIN'));
      await waitFor(() => progress.length > 0, { what: 'the first progress report' });
      await target.release();
      const result = await done;
      expect(progress[0]).toBe(4);
      expect(result.drained).toBe(true);
      expect(result.servers.map(({ server }) => server.key).sort()).toEqual(['be_drain/d1', 'be_other/d1']);
      expect(await statEverywhere(target, 'be_other', 'd1', 'status')).toEqual(Array(n).fill('MAINT'));
      expect(await status()).toEqual(Array(n).fill('MAINT'));
    });

    it('HAProxy#drainServers drains the given handles together; bad lists are refused', async () => {
      await target.hold(2, 'fe_other');
      const other = await (await hap.backend('be_other')).server('d1');
      const done = hap.drainServers([d1, other, d1], { timeout: 10_000, pollInterval: 50 });
      expect(await draining('be_other')).toEqual(Array(n).fill('DRAIN'));
      await target.release();
      const result = await done;
      expect(result.drained).toBe(true);
      expect(result.servers.map(({ server }) => server.key).sort()).toEqual(['be_drain/d1', 'be_other/d1']);
      expect(await statEverywhere(target, 'be_other', 'd1', 'status')).toEqual(Array(n).fill('MAINT'));
      expect(await status()).toEqual(Array(n).fill('MAINT'));
      await expect(hap.drainServers([])).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(hap.drainServers([{ name: 1 } as never])).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('HAProxy#drainServer in one backend leaves the other alone; unknown server → NotFoundError', async () => {
      const result = await hap.drainServer('d1', { backend: 'be_other', timeout: 2000, pollInterval: 50 });
      expect(result.servers.map(({ server }) => server.key)).toEqual(['be_other/d1']);
      expect(await statEverywhere(target, 'be_other', 'd1', 'status')).toEqual(Array(n).fill('MAINT'));
      expect(await status()).toEqual(Array(n).fill('no check'));
      await expect(hap.drainServer('nosuch', { timeout: 100 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(hap.drainServer('bad name', { timeout: 100 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    });
  });
}
