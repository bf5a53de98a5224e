/**
 * The server lifecycle and Runtime API extras of `hapctl` (drain --wait, health/agent/checks, maxconn,
 * add/delete, state, reload, tables, sessions, resolvers, ssl) as a user runs them: the built dist as
 * a child process against a 2-process fake cluster with a master CLI.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, hapctl } from './helpers.js';

const CONFIG = `global
    stats socket \${dir}/haproxy-\${index}.sock mode 600 level admin
    stats timeout 2m

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe_http
    bind 127.0.0.1:\${port:fe}
    default_backend be_app

backend be_app
    balance roundrobin
    server web1 10.0.0.11:8080 check weight 100
    server web2 10.0.0.12:8080 check weight 100 agent-check agent-port 9999

resolvers dns
    nameserver ns1 127.0.0.1:28053

backend st_users
    stick-table type string len 32 size 1k expire 10m store gpc0,http_req_cnt
`;

describe('hapctl server lifecycle and runtime extras on a 2-process fake cluster', () => {
  let cluster: FakeCluster;
  let dir: string;
  const cli = (...args: string[]) => hapctl([...args, '--socket-dir', dir]);
  const calls = () => cluster.processes.flatMap((process) => process.calls.map((call) => call.line));

  beforeAll(async () => {
    ensureBuilt();
    cluster = await createFakeCluster({ processes: 2, config: CONFIG, master: true });
    dir = cluster.socketDir;
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  });
  beforeEach(() => cluster.reset());

  it('server drain --wait: waits for the sessions on every process, then MAINT (JSON result)', async () => {
    cluster.processes[0]!.setSessions({ backend: 'be_app', server: 'web1' }, 2);
    cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web1' }, 1);
    setTimeout(() => cluster.processes[0]!.setSessions({ backend: 'be_app', server: 'web1' }, 0), 600);
    setTimeout(() => cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web1' }, 0), 900);
    const started = Date.now();
    const result = await cli('server', 'drain', 'be_app/web1', '--wait', '--drain-timeout', '10s', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: true, server: 'be_app/web1', drained: true, remainingSessions: 0 });
    // The CLI's own clock starts after its start-up, which a loaded machine makes long: it only
    // has to show that it waited (the sessions ended 900 ms after the timers were set, above).
    expect(json.elapsedMs).toBeGreaterThan(0);
    // No progress drawn into a pipe.
    expect(result.stderr).toBe('');
    const state = await cli('server', 'state', 'be_app/web1', '--json');
    const entries = JSON.parse(state.stdout) as Array<{ maintenance: boolean; drain: boolean }>;
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => entry.maintenance)).toBe(true);
  });

  it('server drain --wait at the deadline: MAINT anyway (exit 0, drained false), or exit 6 with --no-force', async () => {
    cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web2' }, 3);
    const forced = await cli(
      'server',
      'drain',
      'be_app/web2',
      '--wait',
      '--drain-timeout',
      '700ms',
      '--json',
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ drained: false, remainingSessions: 3 });
    const table = await cli('server', 'state', 'be_app/web2');
    expect(table.stdout).toMatch(/MAINT/);

    cluster.reset();
    cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web2' }, 3);
    const refused = await cli(
      'server',
      'drain',
      'be_app/web2',
      '--wait',
      '--drain-timeout',
      '500ms',
      '--no-force',
    );
    expect(refused.code).toBe(6);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/DrainTimeoutError: drain timed out .* 3 session/);
    const refusedJson = await cli(
      'server',
      'drain',
      'be_app/web2',
      '--wait',
      '--drain-timeout',
      '300ms',
      '--no-force',
      '--json',
    );
    expect(refusedJson.code).toBe(6);
    expect(JSON.parse(refusedJson.stdout)).toMatchObject({
      error: {
        name: 'DrainTimeoutError',
        code: 'HAPROXY_ERR_DRAIN_TIMEOUT',
        exitCode: 6,
        remainingSessions: 3,
      },
    });
    const state = JSON.parse((await cli('server', 'state', 'be_app/web2', '--json')).stdout) as Array<{
      drain: boolean;
      maintenance: boolean;
    }>;
    expect(state.every((entry) => entry.drain && !entry.maintenance)).toBe(true);
  });

  it('server drain --backend B --all --wait: every server drains together, one result per server', async () => {
    cluster.processes[0]!.setSessions({ backend: 'be_app', server: 'web1' }, 1);
    cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web2' }, 2);
    setTimeout(() => cluster.processes[0]!.setSessions({ backend: 'be_app', server: 'web1' }, 0), 400);
    setTimeout(() => cluster.processes[1]!.setSessions({ backend: 'be_app', server: 'web2' }, 0), 600);
    const result = await cli('server', 'drain', '--backend', 'be_app', '--all', '--wait', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      drained: boolean;
      servers: Array<{ server: string; drained: boolean }>;
    };
    expect(json.drained).toBe(true);
    const names = json.servers.map((entry) => entry.server).sort();
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names).toEqual(expect.arrayContaining(['be_app/web1', 'be_app/web2']));
    for (const name of names) {
      const state = JSON.parse((await cli('server', 'state', name, '--json')).stdout) as Array<{
        maintenance: boolean;
      }>;
      expect(
        state.every((entry) => entry.maintenance),
        name,
      ).toBe(true);
    }
  });

  it('plain server drain is unchanged; drain options without --wait and bad durations are usage errors', async () => {
    const plain = await cli('server', 'drain', 'be_app/web1');
    expect(plain.code, plain.stderr).toBe(0);
    expect(calls().filter((line) => line.startsWith('set server'))).toEqual([
      'set server be_app/web1 state drain',
      'set server be_app/web1 state drain',
    ]);
    for (const argv of [
      ['server', 'drain', 'be_app/web1', '--drain-timeout', '5s'],
      ['server', 'drain', 'be_app/web1', '--wait', '--drain-timeout', 'soon'],
      ['server', 'drain', '--backend', 'be_app', '--all', 'be_app/web1', '--wait'],
      ['server', 'set-weight', 'be_app/web1', '5', '--wait'],
    ]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    const unknown = await cli('server', 'drain', 'be_app/nope', '--wait');
    expect(unknown.code).toBe(3);
  });

  it('server health, agent, enable/disable-health/agent, set-maxconn reach every process', async () => {
    for (const argv of [
      ['server', 'health', 'be_app/web1', 'down'],
      ['server', 'agent', 'be_app/web2', 'down'],
      ['server', 'disable-health', 'be_app/web1'],
      ['server', 'enable-health', 'be_app/web1'],
      ['server', 'disable-agent', 'be_app/web2'],
      ['server', 'enable-agent', 'be_app/web2'],
      ['server', 'set-maxconn', 'be_app/web1', '50'],
    ]) {
      const result = await cli(...argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const writes = calls().filter((line) => !line.startsWith('show'));
    for (const line of [
      'set server be_app/web1 health down',
      'set server be_app/web2 agent down',
      'disable health be_app/web1',
      'enable health be_app/web1',
      'disable agent be_app/web2',
      'enable agent be_app/web2',
      'set maxconn server be_app/web1 50',
    ]) {
      expect(
        writes.filter((write) => write === line),
        line,
      ).toHaveLength(2);
    }
    const all = await cli('server', 'health', '--backend', 'be_app', '--all', 'up', '--json');
    expect(all.code, all.stderr).toBe(0);
    expect((JSON.parse(all.stdout) as { targets: unknown[] }).targets).toHaveLength(2);
  });

  it('server health/agent/maxconn: bad values are exit 2 (one line), unknown servers 3, refusals 6', async () => {
    for (const argv of [
      ['server', 'health', 'be_app/web1', 'sideways'],
      ['server', 'agent', 'be_app/web1', 'stopping'],
      ['server', 'set-maxconn', 'be_app/web1', '-1'],
      ['server', 'set-maxconn', 'be_app/web1'],
    ]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli('server', 'health', 'be_app/nope', 'up')).code).toBe(3);
    expect((await cli('server', 'enable-agent', 'nope/web1')).code).toBe(3);
    // web1 has no agent: HAProxy refuses.
    const refused = await cli('server', 'agent', 'be_app/web1', 'up');
    expect(refused.code, refused.stderr).toBe(6);
  });

  it('server add, state and delete: a dynamic server on every process', async () => {
    const added = await cli('server', 'add', 'be_app/web9', '10.0.0.99:8080', '--weight', '7', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ ok: true, server: 'be_app/web9', weight: 7 });
    expect(calls().filter((line) => line.startsWith('add server'))).toHaveLength(2);
    const state = await cli('server', 'state', 'be_app/web9');
    expect(state.code, state.stderr).toBe(0);
    expect(state.stdout).toMatch(/^PROCESS\s+ADMIN/m);
    expect(state.stdout.match(/MAINT.*10\.0\.0\.99:8080\s+7/g)).toHaveLength(2);

    const taken = await cli('server', 'add', 'be_app/web9', '10.0.0.98:8080', '--json');
    expect(taken.code).toBe(6);
    expect(taken.stderr).toMatch(/^hapctl: PreconditionFailedError: /);
    const error = (JSON.parse(taken.stdout) as { error: { code: string; processes: Array<{ pid: number }> } })
      .error;
    expect(error.code).toBe('HAPROXY_ERR_PRECONDITION');
    expect(error.processes.map((entry) => entry.pid).sort()).toEqual(
      cluster.processes.map((p) => p.pid).sort(),
    );
    expect((await cli('server', 'add', 'be_app/web8', 'not-an-ip')).code).toBe(2);
    expect((await cli('server', 'add', 'be_app/web8', '10.0.0.1:80', '--weight', 'x')).code).toBe(2);
    expect((await cli('server', 'add', 'nope/web8', '10.0.0.1:80')).code).toBe(3);

    // Destructive: refused without --yes and a terminal, before connecting.
    const noYes = await cli('server', 'delete', 'be_app/web9');
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/pass --yes/);
    cluster.processes[0]!.setSessions({ backend: 'be_app', server: 'web9' }, 1);
    const busy = await cli('server', 'delete', 'be_app/web9', '--yes', '--drain-timeout', '300ms');
    expect(busy.code, busy.stderr).toBe(6);
    expect(calls().filter((line) => line.startsWith('del server'))).toEqual([]);
    const deleted = await cli(
      'server',
      'delete',
      'be_app/web9',
      '--yes',
      '--drain-timeout',
      '200ms',
      '--shutdown-sessions',
    );
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/deleted: be_app\/web9/);
    expect(calls().filter((line) => line.startsWith('del server'))).toHaveLength(2);
    expect((await cli('server', 'state', 'be_app/web9')).code).toBe(3);
    expect((await cli('server', 'delete', 'be_app/web9', '--yes')).code).toBe(3);
  });

  it('server add refused by one process: rolled back on the others (exit 6), each outcome on stderr', async () => {
    cluster.processes[1]!.inject({ kind: 'permission-denied', match: /^add server/ });
    const result = await cli('server', 'add', 'be_app/web7', '10.0.0.77:8080');
    expect(result.code, result.stderr).toBe(6);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^hapctl: RolledBackError: .*; undone on the other 1: nothing changed$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}✔ .*haproxy-1\.sock \(pid \d+\): applied, then undone$/),
      expect.stringMatching(/^ {2}✖ .*haproxy-2\.sock \(pid \d+\): .*[Pp]ermission/),
    ]);
    // Not left behind on the process that accepted it.
    expect(calls().filter((line) => line.startsWith('del server be_app/web7'))).toHaveLength(1);
    expect((await cli('server', 'state', 'be_app/web7')).code).toBe(3);
  });

  it('tables, table (merged, --filter, --per-process), table set, table clear', async () => {
    const set = await cli('table', 'set', 'st_users', 'alice', 'data.gpc0=2', 'data.http_req_cnt=5');
    expect(set.code, set.stderr).toBe(0);
    await cluster.processes[1]!.send('set table st_users key bob data.gpc0 1');
    const tables = await cli('tables', '--json');
    expect(JSON.parse(tables.stdout)).toEqual([{ name: 'st_users', type: 'string', size: 1024, used: 3 }]);
    expect((await cli('tables')).stdout).toMatch(/^st_users\s+string\s+1024\s+3\s+2$/m);
    const table = JSON.parse((await cli('table', 'st_users', '--json')).stdout) as {
      entries: Array<{ key: string; data: Record<string, number> }>;
    };
    expect(table.entries.map((entry) => [entry.key, entry.data.gpc0])).toEqual([
      ['alice', 4],
      ['bob', 1],
    ]);
    const text = await cli('table', 'st_users', '--filter', 'data.gpc0 gt 1');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^alice\s/m);
    expect(text.stdout).not.toMatch(/^bob/m);
    const perProcess = await cli('table', 'st_users', 'alice', '--per-process');
    expect(perProcess.stdout.match(/^alice\s/gm)).toHaveLength(2);
    // --filter applies to the values shown: alice's gpc0 is 2 on each process, 4 summed.
    const merged = await cli('table', 'st_users', '--filter', 'data.gpc0 ge 3');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/^alice\s/m);
    const eachProcess = await cli('table', 'st_users', '--filter', 'data.gpc0 ge 3', '--per-process');
    expect(eachProcess.code, eachProcess.stderr).toBe(0);
    expect(eachProcess.stdout).not.toMatch(/^alice\s/m);

    expect((await cli('table', 'st_users', '--filter', 'gpc0 > 1')).code).toBe(2);
    expect((await cli('table', 'set', 'st_users', 'alice', 'gpc0')).code).toBe(2);
    expect((await cli('table', 'nope')).code).toBe(3);
    expect((await cli('table', 'clear', 'st_users', 'alice')).code).toBe(2);

    const cleared = await cli('table', 'clear', 'st_users', 'alice', '--yes');
    expect(cleared.code, cleared.stderr).toBe(0);
    const after = JSON.parse((await cli('table', 'st_users', '--json')).stdout) as {
      entries: Array<{ key: string }>;
    };
    expect(after.entries.map((entry) => entry.key)).toEqual(['bob']);
  });

  it('sessions and session shutdown', async () => {
    const list = await cli('sessions', '--json');
    expect(list.code, list.stderr).toBe(0);
    const sessions = JSON.parse(list.stdout) as Array<{
      id: string;
      frontend: string;
      process: { pid: number };
    }>;
    // At least hapctl's own CLI connection on each process.
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions[0]!.id).toMatch(/^0x[0-9a-f]+$/);
    expect((await cli('sessions')).stdout).toMatch(/^ID\s+PROCESS\s+PROTO/m);
    expect((await cli('session', 'shutdown', 'nonsense', '--yes')).code).toBe(2);
    expect((await cli('session', 'shutdown', '0x1')).code).toBe(2);
    const missing = await cli('session', 'shutdown', '0xdeadbeef', '--yes');
    expect(missing.code, missing.stderr).toBe(3);
  });

  it('session shutdown closes the session it names, on its process only', async () => {
    // A CLI connection held open in prompt mode on the second process is a session there.
    const held = connect(join(dir, 'haproxy-2.sock'));
    held.on('error', () => {});
    await new Promise<void>((resolve) => held.once('connect', () => resolve()));
    held.write('prompt\n');
    await new Promise((resolve) => held.once('data', resolve));
    const closed = new Promise<void>((resolve) => held.once('close', () => resolve()));
    const pid2 = cluster.processes[1]!.pid;
    const list = JSON.parse((await cli('sessions', '--json')).stdout) as Array<{
      id: string;
      process: { pid: number };
      age: string;
    }>;
    const mine = list.filter((session) => session.process.pid === pid2);
    expect(mine.length).toBeGreaterThanOrEqual(2); // the held one and hapctl's own
    // hapctl's own connection of the first listing is gone by the second: the held one is in both.
    const again = JSON.parse((await cli('sessions', '--json')).stdout) as Array<{ id: string }>;
    const target = mine.find((candidate) => again.some((session) => session.id === candidate.id))?.id;
    expect(target).toBeDefined();
    const result = await cli('session', 'shutdown', target!, '--yes', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, action: 'shutdown-session', id: target });
    await closed;
    const shutdowns = cluster.processes.map(
      (process) => process.calls.filter((call) => call.line.startsWith('shutdown session')).length,
    );
    expect(shutdowns).toEqual([0, 1]);
  });

  it('resolvers and ssl certs', async () => {
    const resolvers = await cli('resolvers', '--json');
    expect(resolvers.code, resolvers.stderr).toBe(0);
    const parsed = JSON.parse(resolvers.stdout) as Array<{
      sections: Array<{
        name: string;
        nameservers: Array<{ name: string; counters: Record<string, number> }>;
      }>;
    }>;
    expect(parsed).toHaveLength(2);
    expect(parsed[0]!.sections[0]).toMatchObject({ name: 'dns', nameservers: [{ name: 'ns1' }] });
    expect(parsed[0]!.sections[0]!.nameservers[0]!.counters.sent).toBe(0);
    const table = await cli('resolvers', 'dns');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^PROCESS\s+SECTION\s+NAMESERVER\s+SENT/m);
    expect(table.stdout.match(/\sdns\s+ns1\s+0\s+0\s+0\s+0\s+0$/gm)).toHaveLength(2);
    const missing = await cli('resolvers', 'nope');
    expect(missing.code, missing.stderr).toBe(3);

    // The fake answers like 2.6.12 without an `ssl crt` bind: no certificate.
    const certs = await cli('ssl', 'certs', '--json', '--per-process');
    expect(certs.code, certs.stderr).toBe(0);
    const json = JSON.parse(certs.stdout) as {
      files: string[];
      transactions: string[];
      perProcess: unknown[];
    };
    expect(json).toMatchObject({ files: [], transactions: [] });
    expect(json.perProcess).toHaveLength(2);
    expect((await cli('ssl', 'certs')).stdout.trim()).toBe('(none)');
    expect((await cli('ssl', 'cert')).code).toBe(2);
  });

  it('reload through the master CLI: old and new worker pids; without --master a one-line usage error', async () => {
    const before = cluster.processes.map((process) => process.pid);
    const result = await hapctl(['reload', '--master', cluster.masterSocket!, '--json'], { timeout: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      oldWorkers: number[];
      newWorkers: number[];
      elapsedMs: number;
    };
    expect([...json.oldWorkers].sort()).toEqual([...before].sort());
    expect(json.newWorkers).toHaveLength(2);
    expect(json.newWorkers.some((pid) => before.includes(pid))).toBe(false);
    expect(json.elapsedMs).toBeGreaterThanOrEqual(0);

    const text = await hapctl(['reload', '--master', cluster.masterSocket!], { timeout: 30_000 });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^✔ reloaded in \d+\.\ds: workers [\d, ]+ → [\d, ]+$/m);

    const noMaster = await cli('reload');
    expect(noMaster.code).toBe(2);
    expect(noMaster.stderr.trim().split('\n')).toHaveLength(1);
    expect(noMaster.stderr).toMatch(/master CLI/);

    cluster.failNextReload();
    const failed = await hapctl(['reload', '--master', cluster.masterSocket!], { timeout: 30_000 });
    expect(failed.code, failed.stderr).toBe(6);
    expect(failed.stderr).toMatch(/^hapctl: ReloadFailedError: /);
  });

  it('help per subcommand', async () => {
    for (const argv of [
      ['server', 'drain', '--help'],
      ['server', 'add', '--help'],
      ['server', 'delete', '--help'],
      ['table', 'set', '--help'],
      ['reload', '--help'],
      ['ssl', 'certs', '--help'],
    ]) {
      const result = await hapctl(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^hapctl ${argv.slice(0, -1).join(' ')} — `));
    }
    expect((await hapctl(['server', 'drain', '--help'])).stdout).toMatch(/--no-force/);
  });
});
