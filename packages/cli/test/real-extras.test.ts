/**
 * `hapctl` server lifecycle and reload against a real HAProxy 2.6 in master-worker mode, as a user
 * runs it (the built dist, a child process, `--master`): drain --wait with real TCP sessions held
 * through a frontend, a dynamic server added and deleted, a reload with the old and new worker pids.
 */
import { connect, createServer, type Socket } from 'node:net';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, hapctl } from './helpers.js';

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
    balance roundrobin
    server s1 127.0.0.1:\${port:echo}
`;

describeWithHAProxy('hapctl server lifecycle and reload on a real master-worker HAProxy 2.6', () => {
  let real: RealHAProxy;
  let master: string;
  const clients: Socket[] = [];
  const accepted = new Set<Socket>();
  const echo = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  const cli = (...args: string[]) => hapctl([...args, '--master', master], { timeout: 30_000 });

  beforeAll(async () => {
    ensureBuilt();
    real = await startHAProxy({ master: true, config: CONFIG });
    master = real.masterSocket!;
    await new Promise<void>((resolve) => echo.listen(real.ports.echo!, '127.0.0.1', resolve));
  }, 240_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const socket of accepted) socket.destroy();
    await real?.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('server drain --wait waits for real sessions to close, then MAINT', async () => {
    for (let i = 0; i < 2; i++) {
      const client = connect(real.ports.fe!, '127.0.0.1');
      client.on('error', () => {});
      await new Promise<void>((resolve) => {
        client.once('data', () => resolve());
        client.write('x');
      });
      clients.push(client);
    }
    const draining = cli('server', 'drain', 'be_app/s1', '--wait', '--drain-timeout', '15s', '--json');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const client of clients.splice(0)) client.destroy();
    const result = await draining;
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      drained: boolean;
      remainingSessions: number;
      elapsedMs: number;
    };
    expect(json).toMatchObject({ drained: true, remainingSessions: 0 });
    expect(json.elapsedMs).toBeGreaterThanOrEqual(800);
    const state = JSON.parse((await cli('server', 'state', 'be_app/s1', '--json')).stdout) as Array<{
      maintenance: boolean;
    }>;
    expect(state).toHaveLength(1);
    expect(state[0]!.maintenance).toBe(true);
    // With a session that stays and --no-force: exit 6, still DRAIN.
    expect((await cli('server', 'ready', 'be_app/s1')).code).toBe(0);
    const client = connect(real.ports.fe!, '127.0.0.1');
    client.on('error', () => {});
    await new Promise<void>((resolve) => {
      client.once('data', () => resolve());
      client.write('x');
    });
    clients.push(client);
    const refused = await cli(
      'server',
      'drain',
      'be_app/s1',
      '--wait',
      '--drain-timeout',
      '600ms',
      '--no-force',
    );
    expect(refused.code, refused.stderr).toBe(6);
    expect(refused.stderr).toMatch(/^hapctl: DrainTimeoutError: .*1 session/);
    const after = JSON.parse((await cli('server', 'state', 'be_app/s1', '--json')).stdout) as Array<{
      drain: boolean;
      maintenance: boolean;
    }>;
    expect(after[0]).toMatchObject({ drain: true, maintenance: false });
    for (const open of clients.splice(0)) open.destroy();
    expect((await cli('server', 'ready', 'be_app/s1')).code).toBe(0);
  }, 60_000);

  it('server add, state and delete a dynamic server', async () => {
    const added = await cli(
      'server',
      'add',
      'be_app/s9',
      `127.0.0.1:${real.ports.echo}`,
      '--weight',
      '5',
      '--enable',
    );
    expect(added.code, added.stderr).toBe(0);
    const state = await cli('server', 'state', 'be_app/s9', '--json');
    expect(state.code, state.stderr).toBe(0);
    const [entry] = JSON.parse(state.stdout) as Array<{
      maintenance: boolean;
      port: number;
      fields: Record<string, unknown>;
    }>;
    expect(entry).toMatchObject({ maintenance: false, port: real.ports.echo });
    expect(entry!.fields.srv_uweight).toBe(5);
    const taken = await cli('server', 'add', 'be_app/s9', '127.0.0.1:1');
    expect(taken.code).toBe(6);
    const deleted = await cli('server', 'delete', 'be_app/s9', '--yes', '--drain-timeout', '2s');
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await cli('server', 'state', 'be_app/s9');
    expect(gone.code).toBe(3);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('reload prints the old and new worker pids', async () => {
    const info = JSON.parse((await cli('info', '--json')).stdout) as unknown;
    expect(info).toBeTruthy();
    const result = await cli('reload', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      oldWorkers: number[];
      newWorkers: number[];
      elapsedMs: number;
    };
    expect(json.oldWorkers).toHaveLength(1);
    expect(json.newWorkers).toHaveLength(1);
    expect(json.newWorkers[0]).not.toBe(json.oldWorkers[0]);
    const text = await cli('reload');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^✔ reloaded in \\d+\\.\\ds: workers ${json.newWorkers[0]} → \\d+$`, 'm'),
    );
    const direct = await hapctl(['reload', '--socket', `${real.dir}/admin.sock`]);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toMatch(/master CLI/);
  }, 90_000);
});
