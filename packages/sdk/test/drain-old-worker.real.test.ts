/**
 * A real HAProxy 2.6 master-worker reload with real TCP sessions held through a frontend: the old
 * worker keeps them (and keeps running) after the reload. The drain counts them, writes only the new
 * worker, and ends when they are closed — while the old worker exits.
 */
import { connect, createServer, type Socket } from 'node:net';
import { type RealHAProxy, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, expect, it } from 'vitest';
import { type DrainProgress, HAProxy } from '../src/index.js';

const CONFIG = `
global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats timeout 30s
defaults
    mode tcp
    timeout connect 1s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:\${port:echo}
`;

describeWithHAProxy('drain across a real master-worker reload', () => {
  let real: RealHAProxy | undefined;
  let hap: HAProxy | undefined;
  const clients: Socket[] = [];
  const accepted = new Set<Socket>();
  const echo = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const socket of accepted) socket.destroy();
    await hap?.close();
    await real?.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('counts the old worker’s sessions and finishes when they close, the old worker gone', async () => {
    real = await startHAProxy({ master: true, config: CONFIG });
    await new Promise<void>((resolve) => echo.listen(real!.ports.echo!, '127.0.0.1', resolve));
    hap = await HAProxy.connect({ master: real.masterSocket!, timeout: 5000 });
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
    let processes = await hap.executor.processes();
    for (
      let i = 0;
      i < 100 && !(processes.some((p) => !p.current) && processes.some((p) => p.current && p.pid !== oldPid));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      processes = await hap.executor.processes();
    }
    expect(processes.find((process) => !process.current)?.pid).toBe(oldPid);

    const [s1] = await hap.server('s1', { backend: 'be_app' });
    const progress: DrainProgress[] = [];
    const draining = s1!.drain({
      timeout: 15_000,
      pollInterval: 50,
      onProgress: (update) => progress.push(update),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // the new worker is in DRAIN; the old worker was not written to
    const newStat = await sendRaw(`${real.dir}/admin.sock`, 'show stat be_app 4 -1');
    expect(newStat).toMatch(/^be_app,s1,(?:[^,]*,){15}DRAIN,/m);
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
