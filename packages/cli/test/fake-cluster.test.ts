/**
 * `hapctl` as a user runs it (the built dist, a child process) against the fake HAProxy cluster:
 * 4 processes, sockets in one folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { ensureBuilt, hapctl } from './helpers.js';

describe('hapctl on a 4-process fake cluster', () => {
  let cluster: Awaited<ReturnType<typeof createFakeCluster>>;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    cluster = await createFakeCluster({ processes: 4, config: DEMO_CONFIG, files: DEMO_FILES });
    dir = cluster.socketDir;
    cluster.processes.forEach((process, index) => {
      process.simulateTraffic({
        frontend: 'fe_http',
        backend: 'be_app',
        server: 'web1',
        requests: 10 * (index + 1),
      });
    });
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('frontends: counters summed over the 4 processes', async () => {
    const result = await hapctl(['frontends', '--json', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    const frontends = JSON.parse(result.stdout) as Array<{
      name: string;
      processes: number;
      stats: Record<string, number>;
    }>;
    const http = frontends.find((frontend) => frontend.name === 'fe_http')!;
    expect(http.processes).toBe(4);
    expect(http.stats.req_tot).toBe(10 + 20 + 30 + 40);
    const table = await hapctl(['frontends', '--socket-dir', dir]);
    expect(table.stdout).toMatch(/^fe_http\s+OPEN\s.*\s100\s.*\s4$/m);
  });

  it('env HAPCTL_SOCKET_DIR is a source, and the config file another', async () => {
    const viaEnv = await hapctl(['backends'], { env: { HAPCTL_SOCKET_DIR: dir } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toMatch(/^be_app\s+UP/m);
    // ~/.config/hapctl/config.json of the user running hapctl
    const home = mkdtempSync(join(tmpdir(), 'hapctl-home-'));
    mkdirSync(join(home, '.config', 'hapctl'), { recursive: true });
    writeFileSync(
      join(home, '.config', 'hapctl', 'config.json'),
      JSON.stringify({ socketDir: dir, timeout: 3000 }),
    );
    const viaHome = await hapctl(['frontends', '--json'], { env: { HOME: home } });
    expect(viaHome.code, viaHome.stderr).toBe(0);
    expect((JSON.parse(viaHome.stdout) as unknown[]).length).toBe(2);
    // --config FILE, and flags winning over it
    const other = join(home, 'other.json');
    writeFileSync(other, JSON.stringify({ socket: `${dir}/haproxy1.sock` }));
    const viaFlag = await hapctl(['frontends', '--json', '--config', other]);
    expect((JSON.parse(viaFlag.stdout) as Array<{ processes: number }>)[0]!.processes).toBe(1);
    const flagWins = await hapctl(['frontends', '--json', '--config', other, '--socket-dir', dir]);
    expect((JSON.parse(flagWins.stdout) as Array<{ processes: number }>)[0]!.processes).toBe(4);
  });

  it('server drain: applied on every process, visible per process', async () => {
    const result = await hapctl(['server', 'drain', 'be_app/web2', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    for (const fake of cluster.processes) {
      expect(await fake.send('show servers state be_app')).toMatch(/ web2 /);
    }
    const perProcess = await hapctl([
      'servers',
      'be_app/web2',
      '--per-process',
      '--json',
      '--socket-dir',
      dir,
    ]);
    const [web2] = JSON.parse(perProcess.stdout) as Array<{
      perProcess: Array<{ stats: { status: string } }>;
    }>;
    expect(web2!.perProcess.map((entry) => entry.stats.status)).toEqual(['DRAIN', 'DRAIN', 'DRAIN', 'DRAIN']);
  });

  it('set-weight --all on a backend: every server, --json result per target', async () => {
    const result = await hapctl([
      'server',
      'set-weight',
      '--backend',
      'be_api',
      '--all',
      '33',
      '--json',
      '--socket-dir',
      dir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      action: 'set-weight',
      weight: 33,
      targets: [
        { target: 'be_api/api1', ok: true },
        { target: 'be_api/api2', ok: true },
      ],
    });
    for (const fake of cluster.processes) expect(await fake.send('get weight be_api/api2')).toMatch(/^33 /);
  });

  it('errors: one line and the right exit code', async () => {
    const badWeight = await hapctl(['server', 'set-weight', 'be_app/web1', '999', '--socket-dir', dir]);
    expect(badWeight.code, badWeight.stderr).toBe(2);
    expect(badWeight.stderr.trimEnd().split('\n')).toHaveLength(1);
    const unknown = await hapctl(['server', 'set-weight', 'be_app/nope', '5', '--socket-dir', dir]);
    expect(unknown.code, unknown.stderr).toBe(3);
    const unknownBackend = await hapctl(['servers', '--backend', 'be_nope', '--socket-dir', dir]);
    expect(unknownBackend.code, unknownBackend.stderr).toBe(3);
    const unknownAcl = await hapctl(['acl', 'show', '99', '--socket-dir', dir]);
    expect(unknownAcl.code, unknownAcl.stderr).toBe(3);
    expect(unknownAcl.stderr).toContain('Unknown ACL identifier');
    const unreachable = await hapctl(['frontends', '--socket', `${dir}/nope.sock`]);
    expect(unreachable.code, unreachable.stderr).toBe(5);
    expect(unreachable.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('acl add and show: patterns with spaces and ; stored exactly on every process', async () => {
    const acl = `${dir}/blocked.acl`;
    const pattern = '/a b;c';
    const add = await hapctl(['acl', 'add', acl, pattern, '--socket-dir', dir]);
    expect(add.stderr).toBe('');
    expect(add.code, add.stderr).toBe(0);
    const show = await hapctl(['acl', 'show', acl, '--json', '--socket-dir', dir]);
    expect((JSON.parse(show.stdout) as Array<{ value: string }>).map((entry) => entry.value)).toContain(
      pattern,
    );
    const clear = await hapctl(['acl', 'clear', acl, '--socket-dir', dir]);
    expect(clear.code, clear.stderr).toBe(2);
    const cleared = await hapctl(['acl', 'clear', acl, '--yes', '--socket-dir', dir]);
    expect(cleared.code, cleared.stderr).toBe(0);
    const empty = await hapctl(['acl', 'show', acl, '--json', '--socket-dir', dir]);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });

  it('watch --once: a single frame, no terminal escapes in a pipe', async () => {
    const result = await hapctl(['watch', '--once', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('FRONTENDS');
    expect(result.stdout).toMatch(/be_app\/web2\s+DRAIN/);
    expect(result.stdout).not.toContain('\x1b[');
  });
});

describe('hapctl demo', () => {
  it('runs the whole tour from the built dist and exits 0', async () => {
    ensureBuilt();
    const result = await hapctl(['demo', '--fast'], { timeout: 60_000 });
    expect(result.stderr).not.toMatch(/Error: .*\n\s+at /);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('connected to 4 processes');
    expect(result.stdout).toMatch(/fe_http\s+OPEN/);
    expect(result.stdout).toContain('(exactly as written)');
    expect(result.stdout).toContain('InvalidArgumentError');
    expect(result.stdout).toContain('CommandFailedError');
    expect(result.stdout).toMatch(/web2.*DRAIN/);
  }, 90_000);
});
