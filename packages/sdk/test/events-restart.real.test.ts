/**
 * A process restarted behind the same socket path (new pid, counters and runtime changes start
 * over): `events()` says so with `process-restarted` (from the old pid to the new one), instead of
 * only reporting the values that came back to their configured state.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { expect, test } from 'vitest';
import { HAProxy, type HAProxyEvent } from '../src/index.js';
import { countDumps } from './setup-haproxy.js';
import { exited, waitFor } from './setup-wait.js';

describeWithHAProxy('events() across a restart behind the same socket', () => {
  test('process-restarted from the old pid to the new; the weight set before is reported back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-restart-'));
    const path = join(dir, 'b.sock');
    const configFor = (socket: string) => `global
    stats socket ${socket} mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be
    server s1 127.0.0.1:9 weight 10
`;
    // Two processes: the events go on while one of them restarts (a snapshot with no process at
    // all would end the iteration).
    const steady = await startHAProxy({ config: configFor(join(dir, 'a.sock')) });
    const running: RealHAProxy[] = [steady, await startHAProxy({ config: configFor(path) })];
    const hap = await HAProxy.connect({ endpoints: [join(dir, 'a.sock'), path], timeout: 3000, retry: 0 });
    const controller = new AbortController();
    const seen: HAProxyEvent[] = [];
    try {
      const [s1] = await hap.server('s1', { backend: 'be' });
      await s1!.setWeight(24);
      const first = running[1]!.processes[0]!.pid;
      const dumps = countDumps(hap);
      const collecting = (async () => {
        try {
          for await (const event of hap.events({ interval: 5000, signal: controller.signal }))
            seen.push(event);
        } catch {
          // aborted at the end
        }
      })();
      // right after a snapshot: the restart (well under 5 s) fits before the next one
      const before = dumps();
      await waitFor(() => dumps() > before, { what: 'the baseline snapshot' });
      await running[1]!.stop();
      await waitFor(() => exited(first), { what: 'the first HAProxy exited' });
      running.push(await startHAProxy({ config: configFor(path) }));
      const second = running[2]!.processes[0]!.pid;
      await waitFor(() => seen.some((event) => event.type === 'process-restarted'), {
        what: 'process-restarted',
        timeout: 20_000,
      }).catch((error) => {
        console.log('SEEN', JSON.stringify(seen.map((e) => [e.type, e.from, e.to, e.process?.pid])));
        throw error;
      });
      const restarted = seen.find((event) => event.type === 'process-restarted')!;
      expect(restarted).toMatchObject({
        from: first,
        to: second,
        object: { kind: 'process', key: `unix://${path}` },
      });
      await waitFor(() => seen.some((event) => event.type === 'server-weight'), {
        what: 'the weight back to 10',
        timeout: 20_000,
      });
      // only on the restarted process: one event, naming it
      expect(seen.find((event) => event.type === 'server-weight')).toMatchObject({
        from: 24,
        to: 10,
        process: { key: `unix://${path}` },
      });
      controller.abort();
      await collecting;
    } finally {
      controller.abort();
      await hap.close();
      for (const haproxy of running) await haproxy.stop();
    }
  });
});
