/**
 * `watch` where `fs.watch` cannot help: it throws (no inotify, limit reached) or its watcher fails
 * later. Discovery falls back to polling the folder at `pollIntervalMs` and still finds processes.
 */
import { EventEmitter } from 'node:events';
import type * as fs from 'node:fs';
import { createFakeCluster, createFakeHAProxy, type FakeHAProxy } from '@haproxyadmin/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HAProxy } from '../src/index.js';

/** What the mocked `fs.watch` does: throw, or hand out a watcher the test can make fail. */
const behaviour: { mode: 'throw' | 'fail-later' | 'real'; watchers: EventEmitter[] } = {
  mode: 'real',
  watchers: [],
};

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const watch = ((...args: Parameters<typeof fs.watch>) => {
    if (behaviour.mode === 'throw') {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
        code: 'ENOSPC',
      });
    }
    if (behaviour.mode === 'fail-later') {
      // Silent until the test emits 'error' on it, like a watcher whose folder went away.
      const watcher = Object.assign(new EventEmitter(), { close: vi.fn(), ref: () => {}, unref: () => {} });
      behaviour.watchers.push(watcher);
      return watcher as unknown as fs.FSWatcher;
    }
    return real.watch(...args);
  }) as typeof fs.watch;
  return { ...real, watch, default: { ...real, watch } };
});

const WAIT = { timeout: 20_000, interval: 25 };
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  behaviour.mode = 'real';
  behaviour.watchers.length = 0;
});

// Distinct pids: sockets of one pid (start second and node alike) count as one process.
let pid = 70_000;
let soloPid = 80_000;

async function setup() {
  const fleet = await createFakeCluster({ processes: 1, basePid: (pid += 100) });
  cleanup.push(() => fleet.close());
  const hap = await HAProxy.connect({
    socketDir: fleet.socketDir,
    watch: { debounceMs: 20, pollIntervalMs: 50 },
  });
  cleanup.push(() => hap.close());
  const startLate = async (): Promise<FakeHAProxy> => {
    const fake = await createFakeHAProxy({
      socketDir: fleet.socketDir,
      socketName: 'late.sock',
      pid: ++soloPid,
    });
    cleanup.push(() => fake.close());
    return fake;
  };
  return { hap, startLate };
}

describe('watch falls back to polling', () => {
  it('when fs.watch throws', async () => {
    behaviour.mode = 'throw';
    const { hap, startLate } = await setup();
    const late = await startLate();
    await vi.waitFor(async () => expect(await hap.processIds()).toContain(late.pid), WAIT);
  });

  it('when the fs.watch watcher fails later', async () => {
    behaviour.mode = 'fail-later';
    const { hap, startLate } = await setup();
    const [watcher] = behaviour.watchers;
    expect(watcher).toBeDefined();
    // The mocked watcher never reports anything: without the fallback, nothing would be found.
    watcher!.emit('error', new Error('EPERM'));
    expect((watcher as unknown as { close: ReturnType<typeof vi.fn> }).close).toHaveBeenCalled();
    const late = await startLate();
    await vi.waitFor(async () => expect(await hap.processIds()).toContain(late.pid), WAIT);
  });
});
