/**
 * `hap.events()` across a master-worker reload (fake cluster behind its master CLI): the new workers
 * appear, and the old worker disappears once its last connection closes.
 */
import { describe, expect, it } from 'vitest';
import type { HAProxyEvent } from '../src/index.js';
import { countDumps, fakeMasterCluster, haproxyConfig } from './setup-haproxy.js';
import { waitFor, within } from './setup-wait.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp' },
  `
backend be_app
    server s1 127.0.0.1:8001
`,
);

describe('events across a reload (fake cluster behind a master CLI)', () => {
  const fixture = fakeMasterCluster();

  it('process-appeared for each new worker, process-disappeared for the old one when it exits', async () => {
    const { cluster, hap } = await fixture.start(CONFIG);
    const before = new Set((await hap.executor.processes()).map((process) => process.key));
    const dumps = countDumps(hap);
    const events = hap.events({ interval: 30, kinds: ['process-appeared', 'process-disappeared'] });
    const seen: HAProxyEvent[] = [];
    const pulling = (async () => {
      for await (const event of events) {
        seen.push(event);
        if (seen.filter((e) => e.type === 'process-disappeared').length >= 2) break;
      }
    })();
    // The events compare with their first snapshot: reload only once it was read.
    await waitFor(() => dumps() >= 1, { what: 'the events baseline snapshot' });
    const held = (await fixture.hold(cluster.processes[0]!.sockets[0]!.address)).socket;
    await cluster.reload();
    // wait for the new workers to be seen, then let the old one go
    await waitFor(() => seen.filter((e) => e.type === 'process-appeared').length >= 2, {
      what: 'process-appeared for both new workers',
      timeout: 10_000,
    }).catch(() => {}); // the assertions below say what was seen
    held.destroy();
    await within(pulling, 'process-disappeared for both old workers', 10_000).catch(() => {});
    await events.return();

    const appeared = seen.filter((e) => e.type === 'process-appeared');
    const disappeared = seen.filter((e) => e.type === 'process-disappeared');
    expect(appeared).toHaveLength(2);
    for (const event of appeared) {
      expect(before.has(event.object.key)).toBe(false);
      expect(event).toMatchObject({ from: null, to: 'worker' });
      expect(event.process?.current).toBe(true);
    }
    // Both old workers left: the one without a connection at once, the held one when it closed.
    expect(disappeared).toHaveLength(2);
    for (const event of disappeared) expect(before.has(event.object.key)).toBe(true);
  });
});
