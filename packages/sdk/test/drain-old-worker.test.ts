/**
 * Drain counts the sessions of old workers too: on the fake cluster behind its master CLI, an old
 * worker left by a reload still holds sessions on the server; the drain waits for them, while the
 * DRAIN and MAINT writes go to the current workers only.
 */
import { sendRaw } from '@haproxyadmin/testing';
import { describe, expect, it } from 'vitest';
import type { DrainProgress } from '../src/index.js';
import { fakeMasterCluster, haproxyConfig, waitForOldWorker } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp' },
  `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:8001
    server s2 127.0.0.1:8002
`,
);

describe('drain with an old worker (fake cluster behind a master CLI)', () => {
  const fixture = fakeMasterCluster();

  it('waits for the old worker’s sessions; writes only the current workers', async () => {
    const { cluster, hap } = await fixture.start(CONFIG);
    cluster.processes[0]!.setSessions({ backend: 'be_app', server: 's1' }, 2);
    // Keep a CLI connection to process 0 so that it stays as an old worker after the reload.
    await fixture.hold(cluster.processes[0]!.sockets[0]!.address);
    await cluster.reload();
    const old = cluster.oldProcesses[0]!;
    expect(old).toBeDefined();
    const processes = await waitForOldWorker(hap);
    expect(processes.filter((process) => !process.current)).toHaveLength(1);
    cluster.processes[1]!.setSessions({ backend: 'be_app', server: 's1' }, 1);
    for (const process of [...cluster.processes, old]) process.calls.length = 0;

    const [s1] = await hap.server('s1', { backend: 'be_app' });
    const progress: DrainProgress[] = [];
    const onCurrentOnly = (update: DrainProgress) =>
      update.sessions > 0 && update.perProcess.every((p) => !p.process.current || p.sessions === 0);
    // The sessions end step by step, each step once the drain has reported the previous one (not on
    // timers: a busy machine may not poll in between): the current worker's first, then the old
    // worker's one by one.
    let lastReleased = false;
    const draining = s1!.drain({
      timeout: 10_000,
      pollInterval: 30,
      onProgress: (update) => {
        progress.push(update);
        const s1Key = { backend: 'be_app', server: 's1' };
        if (progress.length === 1) cluster.processes[1]!.setSessions(s1Key, 0);
        else if (update.sessions === 2 && onCurrentOnly(update)) old.setSessions(s1Key, 1);
        else if (update.sessions === 1 && !lastReleased) {
          old.setSessions(s1Key, 0);
          lastReleased = true;
        }
      },
    });
    const result = await draining;

    expect(result.drained).toBe(true);
    // It ended only after the old worker's last session did.
    expect(lastReleased).toBe(true);
    expect(progress.at(-1)!.sessions).toBe(0);
    expect(progress[0]!.sessions).toBe(3);
    const oldEntry = progress[0]!.perProcess.find(({ process }) => !process.current);
    expect(oldEntry?.sessions).toBe(2);
    // Once the current workers had none, the old worker's sessions still held the drain.
    expect(progress.some(onCurrentOnly)).toBe(true);
    // DRAIN then MAINT on the current workers; the old worker got no write.
    for (const process of cluster.processes) {
      expect(process.calls.map((call) => call.line).filter((line) => line.startsWith('set server'))).toEqual([
        'set server be_app/s1 state drain',
        'set server be_app/s1 state maint',
      ]);
      const stat = await sendRaw(process.sockets[0]!.address, 'show stat be_app 4 -1');
      expect(stat).toMatch(/^be_app,s1,(?:[^,]*,){15}MAINT,/m);
    }
    expect(old.calls.map((call) => call.line).filter((line) => !line.startsWith('show'))).toEqual([]);
  });
});
