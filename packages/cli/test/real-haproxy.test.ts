/**
 * `hapctl` as a user runs it (the built dist, a child process) against real HAProxy processes:
 * two independent HAProxy processes whose stats sockets share one folder (`--socket-dir`); the
 * second one's socket is at operator level, so admin-only writes fail there (partial failure).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, hapctl } from './helpers.js';

const config = ({
  dir,
  port,
  index,
}: {
  dir: string;
  port: (name: string) => number;
  index: number;
}) => `global
    stats socket ${dir}/admin${index}.sock mode 600 level ${index === 1 ? 'admin' : 'operator'}
${index === 1 ? `    stats socket ipv4@127.0.0.1:${port('stats')} level admin\n` : ''}    stats timeout 1m

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe_main
    bind 127.0.0.1:${port(`fe${index}`)}
    use_backend %[req.hdr(host),lower,map(${dir}/hosts.map,be_app)]
    default_backend be_app

backend be_app
    server s1 127.0.0.1:${port('s1')} weight 10
    server s2 127.0.0.1:${port('s2')} weight 20

backend be_api
    server s1 127.0.0.1:${port('a1')}
`;

let haproxy: RealHAProxy;
let dir: string;
let admin: string;
let operator: string;

describeWithHAProxy('hapctl on real HAProxy (2 processes)', () => {
  beforeAll(async () => {
    ensureBuilt();
    haproxy = await startHAProxy({
      config,
      processes: 2,
      files: { 'hosts.map': 'www.example.com be_app\n' },
    });
    dir = haproxy.dir;
    admin = join(dir, 'admin1.sock');
    operator = join(dir, 'admin2.sock');
  }, 240_000);
  afterAll(async () => {
    await haproxy?.stop();
  });

  it('servers --json: stable shape, aggregated over both processes', async () => {
    const result = await hapctl(['servers', '--json', '--socket-dir', dir]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
    const servers = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(servers.map((server) => `${server.backend}/${server.name}`).sort()).toEqual([
      'be_api/s1',
      'be_app/s1',
      'be_app/s2',
    ]);
    const s2 = servers.find((server) => server.backend === 'be_app' && server.name === 's2')!;
    expect(s2).toMatchObject({ status: 'no check', processes: 2 });
    expect((s2.stats as Record<string, unknown>).weight).toBe(20);
    expect(Object.keys(s2)).toEqual(['name', 'backend', 'status', 'processes', 'stats', 'inconsistent']);
    expect(s2.inconsistent).toEqual([]);
  });

  it('frontends: a table with one row per frontend and the process count', async () => {
    const result = await hapctl(['frontends', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+SCUR/);
    expect(lines[1]).toMatch(/^fe_main\s+OPEN\s+0\b.*\s2$/);
    expect(result.stdout).not.toMatch(/\x1b\[/); // no colours in a pipe
  });

  it('--per-process: one row per process', async () => {
    const result = await hapctl(['backends', 'be_app', '--per-process', '--json', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    const [backend] = JSON.parse(result.stdout) as Array<{
      perProcess: Array<{ process: { endpoint: string } }>;
    }>;
    expect(backend!.perProcess.map((entry) => entry.process.endpoint).sort()).toEqual([
      `unix://${admin}`,
      `unix://${operator}`,
    ]);
  });

  it('server set-weight on one admin socket: applied, visible through a raw socket', async () => {
    const result = await hapctl(['server', 'set-weight', 'be_app/s1', '42', '--socket', admin]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('be_app/s1');
    expect(await haproxy.send('get weight be_app/s1', admin)).toBe('42 (initial 10)\n\n');
    // Only one process changed: the aggregated view says the processes disagree.
    const table = await hapctl(['servers', 'be_app/s1', '--socket-dir', dir]);
    expect(table.stdout).toMatch(/^be_app\s+s1\s+no check\s+MIXED\s/m);
    const json = await hapctl(['servers', 'be_app/s1', '--json', '--socket-dir', dir]);
    expect((JSON.parse(json.stdout) as Array<{ inconsistent: string[] }>)[0]!.inconsistent).toContain(
      'weight',
    );
  });

  it('a write that the operator-level process refuses: partial failure, exit 4, per-process report', async () => {
    const result = await hapctl(['server', 'set-state', 'be_app/s2', 'drain', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr.split('\n')[0]).toMatch(/^hapctl: AggregateProcessError: .*1 of 2 processes/);
    expect(result.stderr).toContain(`✔ unix://${admin}`);
    expect(result.stderr).toContain(`✖ unix://${operator}`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('bad weight: exit 2 with one line naming the typed error', async () => {
    const result = await hapctl(['server', 'set-weight', 'be_app/s1', '300', '--socket', admin]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'hapctl: InvalidArgumentError: weight must be between 0 and 256, got 300',
    ]);
    expect(await haproxy.send('get weight be_app/s1', admin)).toBe('42 (initial 10)\n\n');
  });

  it('unknown server: exit 3, one line', async () => {
    const result = await hapctl(['server', 'drain', 'be_app/nosuch', '--socket', admin]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nosuch');
  });

  it('ambiguous server name (in two backends): usage error', async () => {
    const result = await hapctl(['server', 'drain', 's1', '--socket', admin]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('be_app, be_api');
  });

  it('unreachable socket: exit 5, one line naming it', async () => {
    const result = await hapctl(['info', '--socket', join(dir, 'missing.sock'), '--timeout', '500']);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('missing.sock');
    const debug = await hapctl(['info', '--socket', join(dir, 'missing.sock'), '--debug']);
    expect(debug.code, debug.stderr).toBe(5);
    expect(debug.stderr).toMatch(/\n\s+at /); // --debug shows the stack
  });

  it('command refused by HAProxy (raw): exit 6', async () => {
    const result = await hapctl(['raw', 'set weight be_app/nosuch 10', '--socket', admin]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stderr).toContain('No such server.');
  });

  it('raw prints every process answer', async () => {
    const result = await hapctl(['raw', 'show version', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.match(/^── /gm)).toHaveLength(2);
    expect(result.stdout).toMatch(/^2\.\d+/m);
  });

  it('--endpoint tcp://: a TCP stats socket, repeatable with a Unix one', async () => {
    const tcp = `tcp://127.0.0.1:${haproxy.ports.stats}`;
    const result = await hapctl([
      'backends',
      'be_api',
      '--json',
      '--endpoint',
      tcp,
      '--endpoint',
      `unix://${operator}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as Array<{ processes: number }>)[0]!.processes).toBe(2);
  });

  it('info: summed over processes', async () => {
    const result = await hapctl(['info', '--json', '--socket-dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as { summary: Record<string, unknown>; processes: unknown[] };
    expect(info.summary.processes).toBe(2);
    expect(info.processes).toHaveLength(2);
    expect(info.summary.version).toMatch(/^2\.\d+/);
  });

  it('frontend disable/enable and destructive shutdown needing --yes', async () => {
    const disable = await hapctl(['frontend', 'disable', 'fe_main', '--socket', admin]);
    expect(disable.code, disable.stderr).toBe(0);
    expect(await haproxy.send('show stat fe_main 1 -1', admin)).toContain('PAUSED');
    expect((await hapctl(['frontend', 'enable', 'fe_main', '--socket', admin])).code).toBe(0);
    const refused = await hapctl(['frontend', 'shutdown', 'fe_main', '--socket', admin]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
    expect(await haproxy.send('show stat fe_main 1 -1', admin)).toContain('OPEN');
  });

  it('map add with a hostile value, read back exactly; frontend untouched', async () => {
    const map = join(dir, 'hosts.map');
    const hostile = 'be_api; disable frontend fe_main';
    const add = await hapctl(['map', 'add', map, 'shop.example.com', hostile, '--socket', admin]);
    expect(add.stderr).toBe('');
    expect(add.code, add.stderr).toBe(0);
    const show = await hapctl(['map', 'show', map, '--json', '--socket', admin]);
    const entries = JSON.parse(show.stdout) as Array<{ key: string; value: string }>;
    expect(entries.find((entry) => entry.key === 'shop.example.com')?.value).toBe(hostile);
    expect(await haproxy.send('show stat fe_main 1 -1', admin)).toContain('OPEN');
  });

  it('map replace from a file (atomic) and acl/map list', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'hapctl-'));
    const entries = join(scratch, 'entries.map');
    writeFileSync(entries, Array.from({ length: 300 }, (_, i) => `host${i}.example.com be_app`).join('\n'));
    const replace = await hapctl(['map', 'replace', join(dir, 'hosts.map'), entries, '--socket', admin]);
    expect(replace.stderr).toBe('');
    expect(replace.code, replace.stderr).toBe(0);
    expect(await haproxy.send(`show map ${join(dir, 'hosts.map')}`, admin)).toContain(
      'host299.example.com be_app',
    );
    const list = await hapctl(['map', 'list', '--json', '--socket', admin]);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: join(dir, 'hosts.map') })]),
    );
  });
});
