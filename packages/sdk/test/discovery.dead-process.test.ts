/**
 * A process that exits without removing its socket file (a crash, `kill -9`): the file stays in the
 * folder but nothing listens. `refresh()` re-probes the known sockets and drops it (listed by
 * `skipped()` as refused); with `watch`, a call that finds it refused makes the client refresh by
 * itself. Fake cluster first, then real HAProxy 2.6 killed with SIGKILL.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeCluster, type FakeCluster, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterEach, describe, expect, it, test, vi } from 'vitest';
import { AggregateProcessError, HAProxy } from '../src/index.js';
import { oneServerConfig } from './setup-haproxy.js';

const CONFIG = 'backend be\n    server s1 127.0.0.1:81 weight 10\n';

/** Leave a socket file nothing listens on at `path` (its process killed before it could remove it). */
function leaveStaleSocket(path: string): void {
  rmSync(path, { force: true });
  spawnSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  if (!statSync(path).isSocket()) throw new Error(`no stale socket at ${path}`);
}

describe('a fake process that dies and leaves its socket file', () => {
  let cluster: FakeCluster | undefined;
  let hap: HAProxy | undefined;
  afterEach(async () => {
    await hap?.close();
    await cluster?.close();
    hap = undefined;
    cluster = undefined;
  });

  /** Three processes; the third one "crashes": closed, its socket path left as a dead socket file. */
  async function crashThird(watch: boolean) {
    cluster = await createFakeCluster({ processes: 3, config: CONFIG });
    hap = await HAProxy.connect({
      socketDir: cluster.socketDir,
      timeout: 2000,
      ...(watch ? { watch: { debounceMs: 20 } } : {}),
    });
    expect(await hap.processIds()).toHaveLength(3);
    const [s1] = await hap.server('s1', { backend: 'be' });
    const third = cluster.processes[2]!;
    const path = third.sockets[0]!.address;
    await third.close();
    leaveStaleSocket(path);
    return { path, s1: s1!, survivors: cluster.processes.slice(0, 2).map((fake) => fake.pid) };
  }

  it('refresh() drops it (skipped: refused); calls work again on the others', async () => {
    const { path, s1, survivors } = await crashThird(false);
    await expect(s1.setWeight(20)).rejects.toBeInstanceOf(AggregateProcessError);
    expect(await hap!.refresh()).toHaveLength(2);
    expect(await hap!.processIds()).toEqual(survivors);
    expect(hap!.executor.skipped?.().map(({ endpoint, reason }) => [endpoint, reason])).toEqual([
      [`unix://${path}`, 'refused'],
    ]);
    await s1.setWeight(30);
    expect(await s1.weight()).toBe(30);
  });

  it('with watch: dropped by itself (the file was replaced, so the folder changed)', async () => {
    const { survivors } = await crashThird(true);
    await expect(hap!.processIds()).rejects.toThrow();
    await vi.waitFor(async () => expect(await hap!.processIds()).toEqual(survivors), {
      timeout: 20_000,
      interval: 50,
    });
  });
});

const REAL_CONFIG = oneServerConfig('${dir}/haproxy-${index}.sock');

describeWithHAProxy('a real HAProxy 2.6 killed with SIGKILL (its socket file stays)', () => {
  /** Three real processes; the third is killed with SIGKILL and its socket file stays. */
  async function killThird(hap: HAProxy, fleet: Awaited<ReturnType<typeof startHAProxy>>) {
    expect(await hap.processIds()).toHaveLength(3);
    process.kill(fleet.processes[2]!.pid, 'SIGKILL');
    await vi.waitFor(() => expect(() => process.kill(fleet.processes[2]!.pid, 0)).toThrow(), {
      timeout: 10_000,
    });
    expect(statSync(join(fleet.dir, 'haproxy-3.sock')).isSocket()).toBe(true);
  }

  test('with watch: the folder does not change, the refused call makes the client refresh', async () => {
    const fleet = await startHAProxy({ processes: 3, config: REAL_CONFIG });
    const hap = await HAProxy.connect({ socketDir: fleet.dir, timeout: 3000, watch: { debounceMs: 20 } });
    try {
      await killThird(hap, fleet);
      const survivors = fleet.processes.slice(0, 2).map((p) => p.pid);
      await vi.waitFor(async () => expect(await hap.processIds()).toEqual(survivors), {
        timeout: 20_000,
        interval: 100,
      });
    } finally {
      await hap.close();
      await fleet.stop();
    }
  });

  test('refresh() drops it; the others are still written to', async () => {
    const fleet = await startHAProxy({ processes: 3, config: REAL_CONFIG });
    const hap = await HAProxy.connect({ socketDir: fleet.dir, timeout: 3000 });
    try {
      await killThird(hap, fleet);
      expect(await hap.refresh()).toHaveLength(2);
      const [s1] = await hap.server('s1', { backend: 'be' });
      await s1!.setWeight(42);
      for (const index of [1, 2]) {
        expect(await sendRaw(join(fleet.dir, `haproxy-${index}.sock`), 'get weight be/s1')).toBe(
          '42 (initial 10)\n\n',
        );
      }
    } finally {
      await hap.close();
      await fleet.stop();
    }
  });
});
