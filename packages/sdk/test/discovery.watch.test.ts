/**
 * `HAProxy.connect({ socketDir, watch })` on the fake cluster: the socket folder is watched, so a
 * process started later is found and a vanished socket is dropped without `hap.refresh()`; bursts
 * are debounced into one refresh; errors reach `onError` and watching goes on; `close()` leaves no
 * watcher or timer behind. Conditions are awaited with generous deadlines, never fixed sleeps.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFakeCluster,
  createFakeHAProxy,
  type FakeCluster,
  type FakeHAProxy,
} from '@haproxyadmin/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HAProxy,
  type HAProxyEvent,
  InvalidArgumentError,
  type ProcessRef,
  SocketConnectionError,
} from '../src/index.js';

const CONFIG = `global
    node watch-node
defaults
    mode http
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be
backend be
    server s1 127.0.0.1:9 weight 10
`;

/** Generous: CI machines are slow 2-core boxes. */
const WAIT = { timeout: 20_000, interval: 25 };

const resources = (kind: string) => process.getActiveResourcesInfo().filter((name) => name === kind).length;
/** One event-loop turn: handles closed before it (an earlier test's watcher) are gone after it. */
const loopTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

// Distinct pids: two sockets of one pid (and start second, and node) count as one process.
let pid = 48_000;
let soloPid = 60_000;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function cluster(processes: number): Promise<FakeCluster> {
  const started = await createFakeCluster({ processes, config: CONFIG, basePid: (pid += 100) });
  cleanup.push(() => started.close());
  return started;
}

/** One more fake process with its socket `name` in `dir`. */
async function startFake(dir: string, name: string): Promise<FakeHAProxy> {
  const fake = await createFakeHAProxy({ config: CONFIG, socketDir: dir, socketName: name, pid: ++soloPid });
  cleanup.push(() => fake.close());
  return fake;
}

async function connect(dir: string, watch: Parameters<typeof HAProxy.connect>[0]['watch']): Promise<HAProxy> {
  const hap = await HAProxy.connect({ socketDir: dir, watch, timeout: 5000 });
  cleanup.push(() => hap.close());
  return hap;
}

for (const usePolling of [false, true]) {
  describe(`watch (${usePolling ? 'polling' : 'fs.watch'})`, () => {
    const watch = (extra: Record<string, unknown> = {}) => ({
      usePolling,
      pollIntervalMs: 50,
      debounceMs: 50,
      ...extra,
    });

    it('finds a process started later and drops a vanished one, without refresh(); stats follow', async () => {
      const fleet = await cluster(2);
      const refreshes: Array<readonly ProcessRef[]> = [];
      const hap = await connect(
        fleet.socketDir,
        watch({ onRefresh: (p: readonly ProcessRef[]) => refreshes.push(p) }),
      );
      expect(await hap.processIds()).toHaveLength(2);

      const third = await startFake(fleet.socketDir, 'late.sock');
      await vi.waitFor(async () => expect(await hap.processIds()).toHaveLength(3), WAIT);
      expect(await hap.processIds()).toContain(third.pid);
      expect(refreshes.length).toBeGreaterThanOrEqual(1);

      // Reads and writes now cover the new set.
      third.simulateTraffic({ frontend: 'fe', backend: 'be', server: 's1', requests: 7 });
      const snapshot = await hap.snapshot();
      expect(snapshot.backend('be')!.perProcess).toHaveLength(3);
      const [server] = await hap.servers({ backend: 'be' });
      await server!.setWeight(42);
      for (const fake of [...fleet.processes, third]) {
        expect(await fake.send('get weight be/s1')).toBe('42 (initial 10)\n\n');
      }

      await third.close();
      await vi.waitFor(async () => expect(await hap.processIds()).toHaveLength(2), WAIT);
      expect(await hap.processIds()).not.toContain(third.pid);
      expect((await hap.snapshot()).backend('be')!.perProcess).toHaveLength(2);
      expect(await server!.weight()).toBe(42);
    });

    it('turns a burst of new sockets into one refresh', async () => {
      const fleet = await cluster(1);
      const refreshes: Array<readonly ProcessRef[]> = [];
      // A quiet window much wider than the gaps of the burst below, even on a slow machine.
      const debounceMs = 1500;
      const hap = await connect(
        fleet.socketDir,
        watch({ debounceMs, onRefresh: (p: readonly ProcessRef[]) => refreshes.push(p) }),
      );
      // Four processes appear ~100 ms apart (a rolling restart): without debouncing, each one
      // would run its own refresh.
      for (const n of [1, 2, 3, 4]) {
        await startFake(fleet.socketDir, `burst-${n}.sock`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await vi.waitFor(() => expect(refreshes.length).toBeGreaterThanOrEqual(1), WAIT);
      expect(refreshes[0]).toHaveLength(5);
      // Nothing else changes, so no other refresh may follow: look for one during two quiet windows.
      await new Promise((resolve) => setTimeout(resolve, debounceMs * 2));
      expect(refreshes).toHaveLength(1);
      expect(await hap.processIds()).toHaveLength(5);
    });

    it('close() stops watching and leaves no watcher or timer behind', async () => {
      const fleet = await cluster(1);
      const kind = usePolling ? 'Timeout' : 'FSEventWrap';
      await loopTurn();
      const before = resources(kind);
      const refreshes: unknown[] = [];
      const hap = await HAProxy.connect({
        socketDir: fleet.socketDir,
        watch: watch({ onRefresh: (p: unknown) => refreshes.push(p) }),
      });
      cleanup.push(() => hap.close());
      expect(resources(kind)).toBeGreaterThan(before);
      await hap.close();
      // Timers go at once; a closed fs watcher's handle goes in the event loop's next close phase.
      await vi.waitFor(() => expect(resources(kind)).toBeLessThanOrEqual(before), WAIT);

      // A socket appearing after close() is never looked at (and nothing throws).
      await startFake(fleet.socketDir, 'after-close.sock');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(refreshes).toHaveLength(0);
      await expect(hap.refresh()).rejects.toMatchObject({ name: 'ClientClosedError' });
    });
  });
}

describe('watch: errors, fallbacks, composition', () => {
  it('reports a folder that cannot be read to onError and keeps watching until it is back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hap-watch-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const first = await startFake(dir, 'a.sock');
    const errors: Error[] = [];
    const hap = await connect(dir, { debounceMs: 20, pollIntervalMs: 50, onError: (e) => errors.push(e) });
    expect(await hap.processIds()).toEqual([first.pid]);

    await rm(dir, { recursive: true, force: true });
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(1), WAIT);
    expect(errors[0]).toBeInstanceOf(SocketConnectionError);
    expect(errors[0]!.message).toMatch(/cannot read the socket folder/);

    await mkdir(dir);
    const second = await startFake(dir, 'b.sock');
    await vi.waitFor(async () => expect(await hap.processIds()).toEqual([second.pid]), WAIT);
  });

  it('an onError that throws does not crash anything: the error becomes a process warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hap-watch-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await startFake(dir, 'a.sock');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanup.push(async () => process.off('warning', onWarning));
    await connect(dir, {
      debounceMs: 20,
      pollIntervalMs: 50,
      onError: () => {
        throw new Error('handler bug');
      },
    });
    await rm(dir, { recursive: true, force: true });
    await vi.waitFor(() => expect(warnings.map((w) => w.message)).toContain('handler bug'), WAIT);
  });

  it('events() sees process-appeared for a process the watch found', async () => {
    const fleet = await cluster(1);
    const hap = await connect(fleet.socketDir, { debounceMs: 20 });
    const controller = new AbortController();
    const events = hap.events({ interval: 50, signal: controller.signal, kinds: ['process-appeared'] });
    cleanup.push(async () => controller.abort());
    const first = events.next(); // takes the first snapshot, then waits for a change
    await vi.waitFor(async () => {
      // The stream's first snapshot must exist before the process appears.
      expect(fleet.processes[0]!.calls.some((call) => call.line.startsWith('show stat'))).toBe(true);
    }, WAIT);
    const late = await startFake(fleet.socketDir, 'late.sock');
    const event = (await first).value as HAProxyEvent;
    expect(event.type).toBe('process-appeared');
    expect(event.process?.pid).toBe(late.pid);
  });

  it('a socket that exists before it answers is tried again', async () => {
    const fleet = await cluster(1);
    const refreshes: Array<readonly ProcessRef[]> = [];
    const hap = await connect(fleet.socketDir, {
      debounceMs: 20,
      onRefresh: (p) => refreshes.push(p),
    });
    // A fake that refuses its first connections, like HAProxy between bind() and listen(): more
    // than the probe's own retries (2), so only the watch trying again later can find it.
    const late = await startFake(fleet.socketDir, 'slow.sock');
    late.inject({ kind: 'refuse-connections', times: 3 });
    await vi.waitFor(async () => expect(await hap.processIds()).toContain(late.pid), WAIT);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
  });

  it('a change seen while a refresh runs gets a refresh of its own after it', async () => {
    const fleet = await cluster(1);
    const hap = await connect(fleet.socketDir, { debounceMs: 100 });
    // The first newcomer answers its probe slowly, so the second appears while that refresh runs
    // (after it read the folder): only a refresh after it can find the second.
    const slow = await startFake(fleet.socketDir, 'slow.sock');
    slow.inject({ kind: 'delay', ms: 1000, match: /show info/ });
    // Connected: the refresh is probing it (and read the folder before), for a second at least.
    await vi.waitFor(() => expect(slow.connections).toBeGreaterThan(0), { timeout: 20_000, interval: 5 });
    const quick = await startFake(fleet.socketDir, 'quick.sock');
    await vi.waitFor(async () => expect(await hap.processIds()).toContain(quick.pid), WAIT);
    expect(await hap.processIds()).toContain(slow.pid);
  });

  it('re-reads a master CLI`s show proc on an interval: a reload is seen without any call', async () => {
    const fleet = await createFakeCluster({
      processes: 2,
      master: true,
      config: CONFIG,
      basePid: (pid += 100),
    });
    cleanup.push(() => fleet.close());
    const refreshes: Array<readonly ProcessRef[]> = [];
    const hap = await HAProxy.connect({
      master: fleet.masterSocket!,
      watch: { pollIntervalMs: 50, onRefresh: (p) => refreshes.push(p) },
    });
    cleanup.push(() => hap.close());
    const before = (await hap.processIds()).sort();
    await fleet.reload();
    const after = fleet.processes.map((fake) => fake.pid).sort();
    expect(after).not.toEqual(before);
    await vi.waitFor(() => {
      const last = refreshes.at(-1) ?? [];
      expect(
        last
          .filter((p) => p.current)
          .map((p) => p.pid)
          .sort(),
      ).toEqual(after);
    }, WAIT);
  });
});

describe('watch: options', () => {
  it('rejects watch with sources that cannot change, and bad values, with InvalidArgumentError', async () => {
    const fleet = await cluster(1);
    const socket = fleet.processes[0]!.socket;
    await expect(HAProxy.connect({ endpoints: [socket], watch: true })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(HAProxy.connect({ socketFile: socket, watch: {} })).rejects.toThrow(/watch needs socketDir/);
    await expect(
      HAProxy.connect({ socketDir: fleet.socketDir, watch: { debounceMs: -1 } }),
    ).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'watch.debounceMs' });
    await expect(
      HAProxy.connect({ socketDir: fleet.socketDir, watch: { pollIntervalMs: 0 } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      HAProxy.connect({ socketDir: fleet.socketDir, watch: 'yes' as never }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    const own = await HAProxy.connect({ endpoints: [socket] });
    cleanup.push(() => own.close());
    await expect(HAProxy.connect({ executor: own.executor, watch: true })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    // Off is off, whatever the source.
    const off = await HAProxy.connect({ endpoints: [socket], watch: false });
    await off.close();
  });

  it('socketDir mixed with endpoints: the folder is watched, the endpoint stays', async () => {
    const fleet = await cluster(1);
    const other = await startFake(await mkdtemp(join(tmpdir(), 'hap-watch-')), 'x.sock');
    const hap = await HAProxy.connect({
      socketDir: fleet.socketDir,
      endpoints: [other.socket],
      watch: { debounceMs: 20 },
    });
    cleanup.push(() => hap.close());
    const late = await startFake(fleet.socketDir, 'late.sock');
    await vi.waitFor(async () => expect(await hap.processIds()).toHaveLength(3), WAIT);
    expect(await hap.processIds()).toEqual(expect.arrayContaining([other.pid, late.pid]));
  });
});
