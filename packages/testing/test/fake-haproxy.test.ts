import { command, createFakeClock, createFakeHAProxy, err, sendRaw } from '@haproxyadmin/testing';
import { CONFORMANCE_CONFIG, CONFORMANCE_FILES } from '@haproxyadmin/testing/conformance';
import { setupFakeHAProxy } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';
import { promptClient, rawExchange } from './helpers.js';

const statRow = (csv: string, px: string, sv: string) => {
  const header = csv.split('\n')[0]!.slice(2).split(',');
  const line = csv.split('\n').find((row) => row.startsWith(`${px},${sv},`));
  if (!line) throw new Error(`no row ${px}/${sv}`);
  const values = line.split(',');
  return Object.fromEntries(header.map((name, i) => [name, values[i]!]));
};

describe('state from configuration text', () => {
  const fake = setupFakeHAProxy({ config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES });

  test('numbers proxies from 2 and servers from 1 in config order, server-template expanded', async () => {
    const csv = await fake.current.send('show stat');
    expect(statRow(csv, 'fe_http', 'FRONTEND').iid).toBe('2');
    expect(statRow(csv, 'be_app', 's5').sid).toBe('5');
    expect(statRow(csv, 'be_api', 'dyn5')).toMatchObject({ iid: '5', sid: '6', status: 'MAINT' });
    expect(statRow(csv, 'li_stats', 'BACKEND').iid).toBe('9');
    expect(statRow(csv, 'be_app', 's4')).toMatchObject({ act: '0', bck: '1' });
  });

  test('ACL and map ids share one space: named ACLs, httpclient refs, then maps', async () => {
    const acls = await fake.current.send('show acl');
    expect(
      acls
        .split('\n')
        .filter((line) => /^\d/.test(line))
        .map((line) => line.split(' ')[0]),
    ).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(acls).toContain("4 () acl 'var' file 'httpclient' line 0.");
    expect(await fake.current.send('show map')).toMatch(/^# id \(file\) description\n6 \(.*routes\.map\)/);
  });

  test('levels follow the stats socket lines', async () => {
    expect(fake.current.sockets.map((socket) => socket.level)).toEqual(['admin', 'operator', 'user']);
    expect(await sendRaw(fake.current.socketFor('user')!, 'set weight be_app/s2 10')).toBe(
      'Permission denied\n\n',
    );
    expect(await sendRaw(fake.current.socketFor('user')!, 'add acl #0 /u')).toBe('\n');
    expect(await sendRaw(fake.current.socketFor('operator')!, 'clear counters')).toBe('\n');
  });

  test('reset() restores the initial state and forgets calls', async () => {
    await fake.current.send('set weight be_app/s2 10');
    expect(fake.current.calls.map((call) => call.line)).toEqual(['set weight be_app/s2 10']);
    fake.current.reset();
    expect(fake.current.calls).toEqual([]);
    expect(await fake.current.send('get weight be_app/s2')).toBe('50 (initial 50)\n\n');
  });
});

describe('state from a plain object', () => {
  test('backends, servers, ACLs and maps', async () => {
    const fake = await createFakeHAProxy({
      state: {
        backends: [{ name: 'be_app', servers: [{ name: 's1', address: '10.0.0.1:80', weight: 100 }] }],
        acls: { 'blocked.acl': ['/admin'] },
        maps: { 'hosts.map': { 'a.example': 'be_app' } },
      },
    });
    try {
      expect(await fake.send('get weight be_app/s1')).toBe('100 (initial 100)\n\n');
      expect(await fake.send('show acl #0')).toMatch(/^0x[0-9a-f]+ \/admin\n\n$/);
      expect(await fake.send('show map #4')).toMatch(/^0x[0-9a-f]+ a\.example be_app\n\n$/);
    } finally {
      await fake.close();
    }
  });
});

describe('handlers, calls and clock', () => {
  const clock = createFakeClock();
  const fake = setupFakeHAProxy({ config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES, clock: clock.now });

  test('use() prepends a handler for one test; resetHandlers() removes it', async () => {
    fake.current.use(command('show stat', () => '# pxname,svname\nx,y\n\n'));
    expect(await fake.current.send('show stat')).toBe('# pxname,svname\nx,y\n\n');
    fake.current.use(command(/^get weight/, () => err('custom')));
    expect(await fake.current.send('get weight be_app/s1')).toBe('custom\n\n');
    fake.current.resetHandlers();
    expect(await fake.current.send('get weight be_app/s1')).toBe('1 (initial 1)\n\n');
  });

  test('a handler returning undefined falls through to the built-in answer', async () => {
    const seen: string[][] = [];
    fake.current.use(
      command('show', (context) => {
        seen.push(context.args);
        return undefined;
      }),
    );
    expect(await fake.current.send('show version')).toBe('2.6.12-1+deb12u4\n\n');
    expect(seen).toEqual([['show', 'version']]);
  });

  test('calls record line, words, socket, level and time', async () => {
    const user = fake.current.socketFor('user')!;
    await sendRaw(user, 'show version; add acl #0 a\\ b');
    expect(fake.current.calls).toEqual([
      { line: 'show version', args: ['show', 'version'], socket: user, level: 'user', time: clock.now() },
      {
        line: 'add acl #0 a\\ b',
        args: ['add', 'acl', '#0', 'a b'],
        socket: user,
        level: 'user',
        time: clock.now(),
      },
    ]);
  });

  test('uptime and lastchg follow the injected clock', async () => {
    const before = await fake.current.send('show info');
    clock.advance(90_061_000);
    const after = await fake.current.send('show info');
    expect(before).toContain('\nUptime: 0d 0h00m00s\nUptime_sec: 0\n');
    expect(after).toContain('\nUptime: 1d 1h01m01s\nUptime_sec: 90061\n');
    expect(statRow(await fake.current.send('show stat'), 'be_app', 's3').lastchg).toBe('90061');
  });

  test('simulateTraffic moves frontend, backend and server counters', async () => {
    fake.current.simulateTraffic({ frontend: 'fe_http', requests: 100, sessions: 40 });
    const csv = await fake.current.send('show stat');
    expect(statRow(csv, 'fe_http', 'FRONTEND')).toMatchObject({
      stot: '40',
      req_tot: '100',
      hrsp_2xx: '100',
    });
    expect(statRow(csv, 'be_app', 'BACKEND')).toMatchObject({ stot: '40', lbtot: '40' });
    const s1 = Number(statRow(csv, 'be_app', 's1').stot);
    const s2 = Number(statRow(csv, 'be_app', 's2').stot);
    const s3 = Number(statRow(csv, 'be_app', 's3').stot);
    expect(s1 + s2 + s3).toBe(40);
    expect(s2).toBeGreaterThan(s1 + s3);
    expect(statRow(csv, 'be_app', 's4').stot).toBe('0');
    expect(await fake.current.send('show info')).toContain('\nCumReq: 100\n');
    expect(() => fake.current.simulateTraffic({ backend: 'nosuch' })).toThrow(/no backend 'nosuch'/);
  });

  test('reload() re-reads the config and renumbers ids', async () => {
    await fake.current.send('set weight be_app/s2 10');
    fake.current.reload(
      CONFORMANCE_CONFIG.replace(
        '\nbackend be_app',
        '\nbackend be_new\n    server n1 127.0.0.1:1\n\nbackend be_app',
      ),
    );
    const csv = await fake.current.send('show stat');
    expect(statRow(csv, 'be_new', 'BACKEND').iid).toBe('4');
    expect(statRow(csv, 'be_app', 'BACKEND').iid).toBe('5');
    expect(await fake.current.send('get weight be_app/s2')).toBe('50 (initial 50)\n\n');
    fake.current.reload(CONFORMANCE_CONFIG);
  });
});

describe('fault injection', () => {
  const fake = setupFakeHAProxy(
    { config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES },
    { assertFaults: true },
  );

  test('delay', async () => {
    fake.current.inject({ kind: 'delay', ms: 150, match: 'show version' });
    const start = Date.now();
    expect(await fake.current.send('show version')).toBe('2.6.12-1+deb12u4\n\n');
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });

  test('refuse-connections closes new connections at once, then recovers', async () => {
    fake.current.inject({ kind: 'refuse-connections', times: 2 });
    const refused = () =>
      rawExchange(fake.current.socket, 'show version\n').then(
        (result) => result.text,
        (error: NodeJS.ErrnoException) => error.code,
      );
    expect(['', 'EPIPE', 'ECONNRESET']).toContain(await refused());
    expect(['', 'EPIPE', 'ECONNRESET']).toContain(await refused());
    expect((await rawExchange(fake.current.socket, 'show version\n')).text).toBe('2.6.12-1+deb12u4\n\n');
  });

  test('close-before-reply and close-mid-reply', async () => {
    fake.current.inject({ kind: 'close-before-reply', match: 'show info' });
    expect(await fake.current.send('show info')).toBe('');
    fake.current.inject({ kind: 'close-mid-reply', afterBytes: 64, match: /^show stat/ });
    const partial = await fake.current.send('show stat');
    expect(partial).toHaveLength(64);
    expect(partial).toBe((await fake.current.send('show stat')).slice(0, 64));
  });

  test('stall-mid-reply sends part and never finishes', async () => {
    fake.current.inject({ kind: 'stall-mid-reply', afterBytes: 10 });
    const result = await rawExchange(fake.current.socket, 'show stat\n', { timeout: 300 });
    expect(result).toEqual({ text: '# pxname,s', closedByServer: false });
  });

  test('chunked-reply delivers the same bytes in small pieces', async () => {
    fake.current.inject({ kind: 'chunked-reply', chunkSize: 7, intervalMs: 5, match: 'show backend' });
    const client = await promptClient(fake.current.socket);
    const pieces: number[] = [];
    client.socket.on('data', (chunk) => pieces.push(chunk.length));
    expect(await client.send('show backend')).toBe(
      '# name\nbe_app\nbe_api\nbe_tcp\nbe_dyn\nst_shared\nli_stats\n\n',
    );
    expect(Math.max(...pieces)).toBeLessThanOrEqual(7);
    client.close();
  });

  test('reply, garbage-reply and permission-denied; times and persist', async () => {
    fake.current.inject({ kind: 'reply', text: 'pxname\n\n', match: 'show stat', times: 2 });
    expect(await fake.current.send('show stat')).toBe('pxname\n\n');
    expect(await fake.current.send('show stat')).toBe('pxname\n\n');
    expect(await fake.current.send('show stat')).toMatch(/^# pxname,svname/);
    fake.current.inject({ kind: 'garbage-reply', match: 'show info' });
    expect(await fake.current.send('show info')).not.toMatch(/^Name: HAProxy/);
    fake.current.inject({ kind: 'permission-denied', match: 'get weight', persist: true });
    expect(await fake.current.send('get weight be_app/s1')).toBe('Permission denied\n\n');
    expect(await fake.current.send('get weight be_app/s1')).toBe('Permission denied\n\n');
  });

  test('assertNoPendingFaults reports faults that never fired', async () => {
    fake.current.inject({ kind: 'close-before-reply', match: 'show errors' });
    expect(() => fake.current.assertNoPendingFaults()).toThrow(/close-before-reply \(match show errors\)/);
    expect(await fake.current.send('show errors')).toBe('');
  });
});

describe('framing', () => {
  const fake = setupFakeHAProxy({ config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES, tcp: true });

  test('prompt mode over Unix and TCP', async () => {
    const client = await promptClient(fake.current.socket);
    expect(await client.send('show version')).toBe('2.6.12-1+deb12u4\n\n');
    expect(await client.send('set weight be_app/s2 abc')).toBe(
      'Empty weight string empty or preceded by garbage\n',
    );
    client.socket.write('quit\n');
    expect(await client.closed()).toBe('');
    const { host, port } = fake.current.tcpAddress!;
    expect(await sendRaw(`${host}:${port}`, 'show cli level')).toBe('admin\n\n');
  });

  test('a payload cut by EOF is discarded without a reply', async () => {
    const result = await rawExchange(fake.current.socket, 'add map #6 <<\n/p1 be_api\n');
    expect(result).toEqual({ text: '', closedByServer: true });
    expect(await fake.current.send('show map #6')).not.toContain('/p1');
  });

  test('set timeout cli closes an idle prompt session', async () => {
    const client = await promptClient(fake.current.socket);
    expect(await client.send('set timeout cli 1')).toBe('\n');
    const start = Date.now();
    await client.closed();
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
  });

  test('requests larger than tune.bufsize: a payload is dropped and closed, a line waits for the timeout', async () => {
    const small = await createFakeHAProxy({
      config:
        'global\n    stats timeout 300ms\n    tune.bufsize 1024\nfrontend f\n    http-request set-var(txn.x) path,map(${dir}/m.map)\n',
      files: { 'm.map': '/a b\n' },
    });
    try {
      const payload = Array.from({ length: 200 }, (_, n) => `/k${n} v\n`).join('');
      expect(await rawExchange(small.socket, `add map #2 <<\n${payload}\n`)).toEqual({
        text: '',
        closedByServer: true,
      });
      expect(await small.send('show map #2')).toMatch(/^0x[0-9a-f]+ \/a b\n\n$/);
      const start = Date.now();
      expect(await rawExchange(small.socket, `show version ${'x'.repeat(2000)}\n`)).toEqual({
        text: '',
        closedByServer: true,
      });
      expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    } finally {
      await small.close();
    }
  });

  test('stats timeout from the config closes an idle connection', async () => {
    const quick = await createFakeHAProxy({ config: 'global\n    stats timeout 200ms\n' });
    try {
      const result = await rawExchange(quick.socket, '', { end: false, timeout: 2000 });
      expect(result.closedByServer).toBe(true);
    } finally {
      await quick.close();
    }
  });
});

describe('reload fault and unhandled commands', () => {
  const fake = setupFakeHAProxy({
    config: CONFORMANCE_CONFIG,
    files: CONFORMANCE_FILES,
    onUnhandledCommand: 'error',
  });

  test('a reload fault renumbers ids right before the matching command', async () => {
    await fake.current.send('set weight be_app/s2 10');
    fake.current.inject({
      kind: 'reload',
      match: 'show stat',
      config: CONFORMANCE_CONFIG.replace(
        '\nbackend be_app',
        '\nbackend be_first\n    server f1 127.0.0.1:1\n\nbackend be_app',
      ),
    });
    const csv = await fake.current.send('show stat');
    expect(statRow(csv, 'be_first', 'f1')).toMatchObject({ iid: '4', sid: '1' });
    expect(statRow(csv, 'be_app', 's2')).toMatchObject({ iid: '5', weight: '50' });
    fake.current.reload(CONFORMANCE_CONFIG);
  });

  test("unknown commands are answered like HAProxy and fail the test with onUnhandledCommand: 'error'", async () => {
    expect(await fake.current.send('frobnicate')).toMatch(/^Unknown command, but maybe/);
    expect(fake.current.unhandledCommands).toEqual(['frobnicate']);
    expect(() => fake.current.assertNoPendingFaults()).toThrow(/unhandled command\(s\): frobnicate/);
  });
});

describe('plain state details', () => {
  test('server status and inline ACL ids', async () => {
    const fake = await createFakeHAProxy({
      state: {
        backends: [
          {
            name: 'be',
            servers: [
              { name: 'up', address: '10.0.0.1:80', status: 'UP' },
              { name: 'maint', address: '10.0.0.2:80', status: 'MAINT' },
              { name: 'drain', address: '10.0.0.3:80', status: 'DRAIN' },
              { name: 'down', address: '10.0.0.4:80', status: 'DOWN' },
            ],
          },
        ],
        acls: { '#0': ['/a', '/b'] },
      },
    });
    try {
      const csv = await fake.send('show stat');
      expect(['up', 'maint', 'drain', 'down'].map((name) => statRow(csv, 'be', name).status)).toEqual([
        'no check',
        'MAINT',
        'DRAIN',
        'DOWN',
      ]);
      expect(await fake.send('show acl #0')).toMatch(/^0x[0-9a-f]+ \/a\n0x[0-9a-f]+ \/b\n\n$/);
    } finally {
      await fake.close();
    }
  });
});

describe('show sess / shutdown session', () => {
  const fake = setupFakeHAProxy({ config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES });

  test('lists open CLI connections and can kill one', async () => {
    const held = await promptClient(fake.current.socket);
    const list = await fake.current.send('show sess');
    const lines = list.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^0x[0-9a-f]+: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=\d+s /,
      );
    }
    const other = lines.find((line) => line.includes('rate=0'))!;
    const id = other.slice(0, other.indexOf(':'));
    const closed = held.closed();
    expect(await fake.current.send(`shutdown session ${id}`)).toBe('\n');
    await closed;
    expect(await fake.current.send(`show sess ${id}`)).toBe('Session not found.\n\n');
  });
});

describe('TCP stats socket from the config', () => {
  test('`stats socket ipv4@127.0.0.1:${port:NAME}` listens on a free port', async () => {
    const fake = await createFakeHAProxy({
      config:
        'global\n    stats socket ipv4@127.0.0.1:${port:cli} level operator\n    stats socket ${dir}/a.sock level admin\n',
    });
    try {
      expect(fake.sockets).toEqual([
        { address: `127.0.0.1:${fake.ports.cli}`, level: 'operator' },
        { address: `${fake.socketDir}/a.sock`, level: 'admin' },
      ]);
      expect(fake.socket).toBe(`${fake.socketDir}/a.sock`);
      expect(await sendRaw(`127.0.0.1:${fake.ports.cli}`, 'show cli level')).toBe('operator\n\n');
    } finally {
      await fake.close();
    }
  });
});

test('a stats socket `mode` sets the socket file permissions', async () => {
  const { statSync } = await import('node:fs');
  const fake = await createFakeHAProxy({
    config: 'global\n    stats socket ${dir}/a.sock mode 640 level admin\n',
  });
  try {
    expect(statSync(fake.socket).mode & 0o777).toBe(0o640);
  } finally {
    await fake.close();
  }
});

test('default-server in defaults and in a backend, like 2.6', async () => {
  const fake = await createFakeHAProxy({
    config:
      'global\n    maxconn 1000\ndefaults\n    mode http\n    default-server weight 20\nfrontend f\n    default_backend be1\nbackend be1\n    default-server weight 30 maxconn 7\n    server a 127.0.0.1:1\n    server b 127.0.0.1:2 weight 5\nbackend be2\n    server c 127.0.0.1:3\n',
  });
  try {
    const csv = await fake.send('show stat');
    expect(statRow(csv, 'be1', 'a')).toMatchObject({ weight: '30', slim: '7' });
    expect(statRow(csv, 'be1', 'b')).toMatchObject({ weight: '5', slim: '7' });
    expect(statRow(csv, 'be2', 'c')).toMatchObject({ weight: '20', slim: '' });
    expect(statRow(csv, 'be1', 'BACKEND')).toMatchObject({ weight: '35', slim: '100' });
  } finally {
    await fake.close();
  }
});
