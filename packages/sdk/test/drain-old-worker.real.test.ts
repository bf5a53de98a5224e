/**
 * A real HAProxy 2.6 master-worker reload with real TCP sessions held through a frontend: the old
 * worker keeps them (and keeps running) after the reload. The drain counts them, writes only the new
 * worker, and ends when they are closed — while the old worker exits.
 */
import { connect, type Socket } from 'node:net';
import { type RealHAProxy, sendRaw } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, expect, it } from 'vitest';
import type { DrainProgress, HAProxy } from '../src/index.js';
import { type EchoServer, haproxyConfig, startEcho, startMaster, waitForOldWorker } from './setup-haproxy.js';
import { waitFor } from './setup-wait.js';

const CONFIG = haproxyConfig(
  { statsTimeout: '30s', mode: 'tcp', timeout: '30s' },
  `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:\${port:echo}
`,
);

describeWithHAProxy('drain across a real master-worker reload', () => {
  let real: RealHAProxy | undefined;
  let hap: HAProxy | undefined;
  let echo: EchoServer | undefined;
  const clients: Socket[] = [];

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await echo?.close();
    await hap?.close();
    await real?.stop();
  });

  it('counts the old worker’s sessions and finishes when they close, the old worker gone', async () => {
    ({ real, hap } = await startMaster(CONFIG));
    echo = await startEcho(real.ports.echo!);
    for (let i = 0; i < 2; i++) {
      const client = connect(real.ports.fe!, '127.0.0.1');
      client.on('error', () => {});
      await new Promise<void>((resolve) => {
        client.once('data', () => resolve());
        client.write('x');
      });
      clients.push(client);
    }
    const [oldPid] = await hap.processIds();
    await sendRaw(real.masterSocket!, 'reload');
    const processes = await waitForOldWorker(hap, oldPid);
    expect(processes.find((process) => !process.current)?.pid).toBe(oldPid);

    const [s1] = await hap.server('s1', { backend: 'be_app' });
    const progress: DrainProgress[] = [];
    const draining = s1!.drain({
      timeout: 15_000,
      pollInterval: 50,
      onProgress: (update) => progress.push(update),
    });
    // the new worker goes to DRAIN (the old worker is not written to); wait for it and for the
    // first count of sessions before letting them go
    const stat = () => sendRaw(`${real!.dir}/admin.sock`, 'show stat be_app 4 -1');
    const drained = /^be_app,s1,(?:[^,]*,){15}DRAIN,/m;
    const newStat = await waitFor(
      async () => {
        const text = await stat();
        return progress.length > 0 && drained.test(text) && text;
      },
      { what: 'be_app/s1 in DRAIN on the new worker, first progress reported' },
    );
    expect(newStat).toMatch(drained);
    for (const client of clients) client.end();
    const result = await draining;

    expect(result.drained).toBe(true);
    expect(progress[0]!.sessions).toBe(2);
    expect(progress[0]!.perProcess.find(({ process }) => !process.current)).toMatchObject({ sessions: 2 });
    expect(progress[0]!.perProcess.find(({ process }) => process.current)).toMatchObject({ sessions: 0 });
    expect(await sendRaw(`${real.dir}/admin.sock`, 'show stat be_app 4 -1')).toMatch(
      /^be_app,s1,(?:[^,]*,){15}MAINT,/m,
    );
  });
});
