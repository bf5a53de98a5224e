/**
 * Handles across a master-worker reload, on the fake cluster behind its master CLI: ids renumbered,
 * an old worker left serving a held connection. Counters include the old worker; configuration
 * reads and writes follow the current workers; handles keep addressing the same names.
 */
import { sendRaw } from '@haproxyadmin/testing';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/index.js';
import { fakeMasterCluster, haproxyConfig, waitForOldWorker } from './setup-haproxy.js';

const config = (servers: string) =>
  haproxyConfig(
    { socket: '${dir}/admin${index}.sock', mode: 'http' },
    `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
${servers}
`,
  );

const BEFORE = config(`    server s1 127.0.0.1:8001 weight 10
    server s2 127.0.0.1:8002 weight 20
    server gone 127.0.0.1:8003`);
// The reload reorders the servers (sids change), drops one and changes s2's weight.
const AFTER = config(`    server s0 127.0.0.1:8000
    server s2 127.0.0.1:8002 weight 30
    server s1 127.0.0.1:8001 weight 10`);

describe('handles across a reload (fake cluster behind a master CLI)', () => {
  const fixture = fakeMasterCluster();

  it('counters include the old worker, config reads and writes use the current ones, names not ids', async () => {
    const { cluster, hap } = await fixture.start(BEFORE);
    const [s2] = await hap.server('s2', { backend: 'be_app' });
    const [gone] = await hap.server('gone', { backend: 'be_app' });
    expect(s2!.sid).toBe(2);
    expect(await s2!.weight()).toBe(20);
    cluster.processes[0]!.simulateTraffic({ backend: 'be_app', server: 's2', requests: 5 });
    cluster.processes[1]!.simulateTraffic({ backend: 'be_app', server: 's2', requests: 3 });
    expect(await s2!.metric('stot')).toBe(8);

    // Keep a connection open to process 1 so that it stays as an old worker after the reload.
    const oldSocket = cluster.processes[0]!.sockets[0]!.address;
    const held = await fixture.hold(oldSocket); // the fake accepted it
    expect(cluster.processes[0]!.connections).toBeGreaterThan(0);
    await cluster.reload(AFTER);
    expect(cluster.failedReloads).toBe(0);
    expect(cluster.oldProcesses).toHaveLength(1);
    cluster.processes[0]!.simulateTraffic({ backend: 'be_app', server: 's2', requests: 2 });

    // The executor re-reads `show proc` once the master has closed its connection (as a reload does).
    const processes = await waitForOldWorker(hap);
    expect(processes.filter((process) => process.current)).toHaveLength(2);
    expect(processes.filter((process) => !process.current)).toHaveLength(1);

    // s2 is now sid 1 (was 2) with weight 30: the handle reads s2's own data by name.
    expect(await s2!.weight()).toBe(30); // current workers only (the old one says 20)
    expect(await s2!.metric('stot')).toBe(5 + 2); // old worker (5) + new workers (2 + 0)
    expect((await s2!.statsPerProcess()).map(({ process }) => process.current)).toContain(false);
    // `gone` exists only on the old worker: configuration reads do not see it, counters do.
    await expect(gone!.weight()).rejects.toBeInstanceOf(NotFoundError);
    expect(await gone!.metric('stot')).toBe(0);
    await expect(hap.server('gone', { backend: 'be_app' })).rejects.toBeInstanceOf(NotFoundError);

    // A write goes to the current workers only; the old one is left alone.
    await s2!.setWeight(40);
    const current = cluster.processes.map((process) => process.sockets[0]!.address);
    for (const socket of current)
      expect(await sendRaw(socket, 'get weight be_app/s2')).toBe('40 (initial 30)\n\n');
    const reply = await held.ask('get weight be_app/s2');
    expect(reply).toContain('20 (initial 20)');

    // A new lookup refreshes the captured id; the same instance is returned.
    const [again] = await hap.server('s2', { backend: 'be_app' });
    expect(again).toBe(s2);
    expect(s2!.sid).toBe(2);
  });
});
