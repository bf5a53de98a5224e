/**
 * A process restarted behind the same socket path (new pid, counters and runtime changes start
 * over): the events say so with `process-restarted` (from the old pid to the new one), instead of
 * only reporting the values that came back to their configured state. Two snapshots taken around
 * the restart are compared with `diffSnapshots` — what `events()` does on every interval — so the
 * test does not depend on the restart fitting inside an interval.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { expect, test } from 'vitest';
import { diffSnapshots, HAProxy } from '../src/index.js';
import { exited, waitFor } from './setup-wait.js';
import { oneServerConfig } from './setup-haproxy.js';

describeWithHAProxy('events across a restart behind the same socket', () => {
  test('process-restarted from the old pid to the new; the weight set before is reported back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-restart-'));
    const path = join(dir, 'b.sock');
    const configFor = (socket: string) => oneServerConfig(socket);
    const running: RealHAProxy[] = [
      await startHAProxy({ config: configFor(join(dir, 'a.sock')) }),
      await startHAProxy({ config: configFor(path) }),
    ];
    const hap = await HAProxy.connect({ endpoints: [join(dir, 'a.sock'), path], timeout: 3000, retry: 0 });
    try {
      const [s1] = await hap.server('s1', { backend: 'be' });
      await s1!.setWeight(24);
      const before = await hap.snapshot();
      const first = running[1]!.processes[0]!.pid;
      await running[1]!.stop();
      await waitFor(() => exited(first), { what: 'the first HAProxy exited' });
      running.push(await startHAProxy({ config: configFor(path) }));
      const second = running[2]!.processes[0]!.pid;
      // the reconnect learns the new pid
      await waitFor(async () => (await hap.processIds()).includes(second), { what: 'the new pid known' });
      const events = diffSnapshots(before, await hap.snapshot());
      expect(events.find((event) => event.type === 'process-restarted')).toMatchObject({
        from: first,
        to: second,
        object: { kind: 'process', key: `unix://${path}` },
      });
      // only on the restarted process: one event, naming it
      expect(events.filter((event) => event.type === 'server-weight')).toMatchObject([
        { from: 24, to: 10, process: { key: `unix://${path}` } },
      ]);
      expect(events.some((event) => event.type === 'process-disappeared')).toBe(false);
    } finally {
      await hap.close();
      for (const haproxy of running) await haproxy.stop();
    }
  });
});
