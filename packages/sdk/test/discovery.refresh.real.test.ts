/**
 * `hap.refresh()` with `socketDir`: a process started after `connect` is found and written to; a
 * process whose socket file disappeared is dropped; known processes keep working throughout.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { expect, test } from 'vitest';
import { HAProxy } from '../src/index.js';
import { oneServerConfig } from './setup-haproxy.js';

const config = (socket: string) => oneServerConfig(socket);

describeWithHAProxy('refresh() re-reads the socket folder', () => {
  test('a process started later is found; a vanished socket is dropped', async () => {
    const fleet = await startHAProxy({ processes: 2, config: config('${dir}/admin${index}.sock') });
    let hap: HAProxy | undefined;
    try {
      hap = await HAProxy.connect({ socketDir: fleet.dir });
      expect(await hap.processIds()).toHaveLength(2);

      // A third process starts with its socket in the same folder.
      const again = await startHAProxy({ config: config(join(fleet.dir, 'admin3.sock')) });
      try {
        const before = await hap.processIds();
        const processes = await hap.refresh();
        expect(processes).toHaveLength(3);
        const pids = await hap.processIds();
        expect(pids).toHaveLength(3);
        expect(pids).toEqual(expect.arrayContaining(before as number[]));
        const [server] = await hap.servers({ backend: 'be' });
        await server!.setWeight(42);
        for (const socket of ['admin1.sock', 'admin2.sock', 'admin3.sock']) {
          expect(await sendRaw(join(fleet.dir, socket), 'get weight be/s1')).toBe('42 (initial 10)\n\n');
        }

        // The socket file goes away: refresh drops that process, the others keep answering.
        await again.stop();
        await rm(join(fleet.dir, 'admin3.sock'), { force: true });
        expect(await hap.refresh()).toHaveLength(2);
        expect(await server!.weight()).toBe(42);
      } finally {
        await again.stop();
      }
    } finally {
      await hap?.close();
      await fleet.stop();
    }
  });
});
