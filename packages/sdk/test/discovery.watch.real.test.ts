/**
 * `HAProxy.connect({ socketDir, watch })` on real HAProxy 2.6 processes: a process started after
 * `connect` is found and written to without `hap.refresh()`; a process whose socket disappeared is
 * dropped; two processes started together give one refresh; `close()` stops watching.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { expect, test, vi } from 'vitest';
import { HAProxy, type ProcessRef } from '../src/index.js';
import { oneServerConfig } from './setup-haproxy.js';

const config = (socket: string) => oneServerConfig(socket);

/** Generous: CI machines are slow 2-core boxes, and HAProxy takes its time to start there. */
const WAIT = { timeout: 30_000, interval: 50 };

describeWithHAProxy('watch re-reads the socket folder by itself', () => {
  test('a process started later is found, a vanished socket is dropped, stats follow', async () => {
    const fleet = await startHAProxy({ processes: 2, config: config('${dir}/admin${index}.sock') });
    const refreshes: Array<readonly ProcessRef[]> = [];
    let hap: HAProxy | undefined;
    try {
      hap = await HAProxy.connect({
        socketDir: fleet.dir,
        watch: { debounceMs: 100, onRefresh: (processes) => refreshes.push(processes) },
      });
      const before = await hap.processIds();
      expect(before).toHaveLength(2);

      const again = await startHAProxy({ config: config(join(fleet.dir, 'admin3.sock')) });
      try {
        await vi.waitFor(async () => expect(await hap!.processIds()).toHaveLength(3), WAIT);
        expect(await hap.processIds()).toEqual(expect.arrayContaining(before));
        expect(refreshes.length).toBeGreaterThanOrEqual(1);

        const snapshot = await hap.snapshot();
        expect(snapshot.backend('be')!.perProcess).toHaveLength(3);
        const [server] = await hap.servers({ backend: 'be' });
        await server!.setWeight(42);
        for (const socket of ['admin1.sock', 'admin2.sock', 'admin3.sock']) {
          expect(await sendRaw(join(fleet.dir, socket), 'get weight be/s1')).toBe('42 (initial 10)\n\n');
        }

        // HAProxy leaves its socket file behind when it stops: removing it is what drops it.
        await again.stop();
        await rm(join(fleet.dir, 'admin3.sock'), { force: true });
        await vi.waitFor(async () => expect(await hap!.processIds()).toHaveLength(2), WAIT);
        expect((await hap.snapshot()).backend('be')!.perProcess).toHaveLength(2);
        expect(await server!.weight()).toBe(42);
      } finally {
        await again.stop();
      }
    } finally {
      await hap?.close();
      await fleet.stop();
    }
  });

  test('two processes started together give one refresh; close() stops watching', async () => {
    const fleet = await startHAProxy({ config: config('${dir}/admin1.sock') });
    const refreshes: Array<readonly ProcessRef[]> = [];
    // Wide: the two processes start one after the other, each in well under this on a slow machine.
    const debounceMs = 3000;
    let hap: HAProxy | undefined;
    try {
      hap = await HAProxy.connect({
        socketDir: fleet.dir,
        watch: { debounceMs, onRefresh: (processes) => refreshes.push(processes) },
      });
      const more = await startHAProxy({
        processes: 2,
        config: ({ index }) => config(join(fleet.dir, `more${index}.sock`)),
      });
      try {
        await vi.waitFor(() => expect(refreshes.length).toBeGreaterThanOrEqual(1), WAIT);
        expect(refreshes[0]).toHaveLength(3);
        // Nothing else changes: no other refresh may follow within two quiet windows.
        await new Promise((resolve) => setTimeout(resolve, debounceMs * 2));
        expect(refreshes).toHaveLength(1);

        await hap.close();
        await more.stop();
        for (const index of [1, 2]) await rm(join(fleet.dir, `more${index}.sock`), { force: true });
        // Folder changes after close() run nothing (a refresh would also reject: closed).
        await new Promise((resolve) => setTimeout(resolve, debounceMs + 500));
        expect(refreshes).toHaveLength(1);
      } finally {
        await more.stop();
      }
    } finally {
      await hap?.close();
      await fleet.stop();
    }
  });
});
