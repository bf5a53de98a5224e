/**
 * @haproxyadmin/plugin-acl against two real HAProxy 2.6 processes started from one config.
 */
import { HAProxy } from '@haproxyadmin/sdk';
import {
  AggregateProcessError,
  CommandFailedError,
  InvalidArgumentError,
  NotFoundError,
  PatternKindError,
} from '@haproxyadmin/sdk/plugin';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { aclPlugin, addAclEntry, replaceAcl } from '../src/index.js';

/** Process 1 reads `mixed.acl` as path prefixes, process 2 as IPs: a pattern only one accepts. */
const config = ({ dir, port, index }: { dir: string; port: (name: string) => number; index: number }) => `
global
  stats socket ${dir}/admin${index}.sock level admin
  stats timeout 2m
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 5s
frontend fe
  bind 127.0.0.1:${port(`http${index}`)}
  acl blocked src -f ${dir}/ips.acl
  acl private path_beg -f ${dir}/paths.acl
  acl private_end path_end -f ${dir}/paths.acl
  acl mixed ${index === 1 ? 'path_beg' : 'src'} -f ${dir}/mixed.acl
  http-request deny if blocked || private || private_end || mixed
  use_backend %[path,map_beg(${dir}/routes.map,be_app)]
backend be_app
  server s1 127.0.0.1:${port('srv')}
`;

const files = {
  'ips.acl': '10.0.0.0/8\n192.168.1.1\n',
  'paths.acl': '/admin\n/private\n',
  'routes.map': '/api be_api\n/static be_app\n',
  'mixed.acl': '10.0.0.1\n',
};

let haproxy: RealHAProxy;
let hap: Awaited<ReturnType<typeof connect>>;
let paths: string;
let ips: string;

const connect = () => HAProxy.connect({ socketDir: haproxy.dir, plugins: [aclPlugin()] });

/** Every process's raw `show acl <id>` reply, straight from each socket (not through the SDK). */
const rawShow = (id: string) =>
  Promise.all(haproxy.processes.map((process) => haproxy.send(`show acl ${id}`, process.sockets[0])));

describeWithHAProxy('plugin-acl on real HAProxy (2 processes)', () => {
  beforeAll(async () => {
    haproxy = await startHAProxy({
      processes: 2,
      config,
      files,
    });
    paths = `${haproxy.dir}/paths.acl`;
    ips = `${haproxy.dir}/ips.acl`;
    hap = await connect();
  });
  afterAll(async () => {
    await hap?.close();
    await haproxy?.stop();
  });

  test('list and show (seed parity: show_acl, show_acl(id))', async () => {
    const list = await hap.acl.list();
    expect(list.map((row) => row.file)).toEqual(expect.arrayContaining([ips, paths, undefined]));
    // entry_cnt counts each pattern once per ACL using the file (path_beg and path_end here).
    expect(list.find((item) => item.file === paths)).toMatchObject({ currentVersion: 0, entryCount: 4 });
    const row = list.find((item) => item.file === paths)!;
    expect(row.description).toContain('pattern loaded from file');
    const byId = await hap.acl.show(row.id);
    const byFile = await hap.acl.show(paths);
    expect(byFile.map((entry) => entry.value)).toEqual(['/admin', '/private']);
    expect(byId.map((entry) => entry.value)).toEqual(['/admin', '/private']);
    expect(byId[0]!.ref).toMatch(/^0x[0-9a-f]+$/);
  });

  test('add, get, del, clear on every process (seed parity: add_acl, get_acl, del_acl, clear_acl)', async () => {
    await hap.acl.add(paths, '/extra');
    for (const reply of await rawShow(paths)) expect(reply).toContain(' /extra\n');
    // paths.acl is used by two ACLs (path_beg and path_end): HAProxy answers one line per method.
    const beg = { match: true, type: 'beg', caseSensitive: true, index: 'tree', pattern: '/extra' };
    await expect(hap.acl.get(paths, '/extra/x')).resolves.toEqual({
      ...beg,
      methods: [beg, { match: false, type: 'end', caseSensitive: true }],
    });
    await expect(hap.acl.get(paths, '/x/extra')).resolves.toMatchObject({
      match: true,
      type: 'end',
      pattern: '/extra',
    });
    await expect(hap.acl.get(paths, '/nomatch')).resolves.toEqual({
      match: false,
      type: 'beg',
      caseSensitive: true,
      methods: [
        { match: false, type: 'beg', caseSensitive: true },
        { match: false, type: 'end', caseSensitive: true },
      ],
    });
    await hap.acl.del(paths, '/extra');
    for (const reply of await rawShow(paths)) expect(reply).not.toContain('/extra');
    await expect(hap.acl.del(paths, '/extra')).rejects.toBeInstanceOf(CommandFailedError);
    await hap.acl.add(ips, '172.16.0.0/12');
    await expect(hap.acl.get(ips, '172.16.3.4')).resolves.toMatchObject({
      match: true,
      pattern: '172.16.0.0/12',
    });
    await expect(hap.acl.add(ips, 'not-an-ip')).rejects.toThrow(/not a valid IPv4 or IPv6 address/);
    const first = (await hap.acl.show(ips)).find((entry) => entry.value === '172.16.0.0/12')!;
    expect(first).toBeDefined();
    await hap.acl.clear(ips);
    for (const reply of await rawShow(ips)) expect(reply.trim()).toBe('');
  });

  test('hostile patterns are stored exactly and read back by get and show', async () => {
    const hostile = [
      '/a b',
      '/semi;colon',
      '/#hash',
      '#0xdeadbeef',
      '/tab\there',
      '/back\\slash\\',
      '/ünïcødé/日本',
      '/quote"d\'',
      '<<',
      '/ends<<',
      '/trailing ',
    ];
    for (const pattern of hostile) await hap.acl.add(paths, pattern);
    const values = (await hap.acl.show(paths)).map((entry) => entry.value);
    expect(values).toEqual(['/admin', '/private', ...hostile]);
    for (const pattern of hostile) {
      const result = await hap.acl.get(paths, `${pattern}`);
      expect(result.match, pattern).toBe(true);
      expect(result.pattern, pattern).toBe(pattern);
    }
    for (const pattern of hostile) await hap.acl.del(paths, pattern);
    expect((await hap.acl.show(paths)).map((entry) => entry.value)).toEqual(['/admin', '/private']);
  });

  test('CR, LF and NUL are refused before anything is sent', async () => {
    for (const bad of ['/x\nclear acl #0', '/x\r', '/x\0y']) {
      await expect(hap.acl.add(paths, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect((await hap.acl.show(paths)).map((entry) => entry.value)).toEqual(['/admin', '/private']);
  });

  test('a map id or file is refused as an ACL; unknown ids are NotFoundError', async () => {
    const mapRows = (await hap.command('show map'))[0]!;
    expect(mapRows.ok).toBe(true);
    const mapId = Number(/^(\d+) /m.exec((mapRows as { value: string }).value)![1]);
    await expect(hap.acl.add(mapId, '/x')).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.acl.add(`${haproxy.dir}/routes.map`, '/x')).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.acl.clear(999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.acl.add('123', '/x')).rejects.toMatchObject({ kind: 'acl', lookup: '123' });
    const routes = await haproxy.send(`show map ${haproxy.dir}/routes.map`);
    expect(routes).toContain('/api be_api');
    expect(routes).not.toContain('/x');
  });

  test('replace is atomic on every process and moves the version; execute() without the plugin', async () => {
    const row = (await hap.acl.list()).find((item) => item.file === paths)!;
    const events: string[] = [];
    const patterns = Array.from({ length: 10_000 }, (_, index) => `/p${index}/x y`);
    const started = performance.now();
    const result = await hap.acl.replace(paths, patterns, {
      onProgress: (event) => events.push(`${event.phase}:${event.process.pid}:${event.done}/${event.total}`),
    });
    const elapsed = performance.now() - started;
    console.log(`acl.replace of 10,000 patterns on 2 processes: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(5000);
    expect(result.count).toBe(10_000);
    expect(result.processes).toHaveLength(2);
    expect(result.processes.every((item) => item.committed && item.version >= 1)).toBe(true);
    for (const reply of await rawShow(paths)) {
      const lines = reply.trim().split('\n');
      expect(lines).toHaveLength(10_000);
      expect(lines[9999]).toMatch(/ \/p9999\/x y$/);
    }
    const listing = await Promise.all(
      haproxy.processes.map((process) => haproxy.send('show acl', process.sockets[0])),
    );
    for (const text of listing) {
      const line = text.split('\n').find((item) => item.startsWith(`${row.id} (`))!;
      // The version moved (HAProxy's entry_cnt is not checked: 2.6 miscounts after some deletes).
      expect(line).toMatch(/curr_ver=[1-9]\d* next_ver=[1-9]\d* /);
    }
    expect(events).toContain(`commit:${result.processes[0]!.process.pid}:1/1`);
    expect(events.filter((event) => event.startsWith('add:'))).not.toHaveLength(0);
    const bare = await HAProxy.connect({ socketDir: haproxy.dir });
    try {
      await bare.execute(replaceAcl, paths, ['/admin', '/private']);
      await bare.execute(addAclEntry, row.id, '/added-by-execute');
    } finally {
      await bare.close();
    }
    expect((await hap.acl.show(paths)).map((entry) => entry.value)).toEqual([
      '/admin',
      '/private',
      '/added-by-execute',
    ]);
  });

  test('a replace refused on one process commits nowhere and leaves the ACL byte-identical', async () => {
    const mixed = `${haproxy.dir}/mixed.acl`;
    const before = await rawShow(mixed);
    const versions = async () =>
      (
        await Promise.all(haproxy.processes.map((process) => haproxy.send('show acl', process.sockets[0])))
      ).map(
        (text) => /curr_ver=(\d+)/.exec(text.split('\n').find((line) => line.includes(`(${mixed})`))!)![1],
      );
    const versionsBefore = await versions();
    const error = await hap.acl
      .replace(mixed, ['10.9.9.9', '/only-a-path'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    const outcomes = (error as AggregateProcessError).outcomes;
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    expect((error as AggregateProcessError).failed[0]!.error.message).toMatch(
      /not a valid IPv4 or IPv6 address/,
    );
    const staged = outcomes[0] as { value: { version: number; committed: boolean; cleared: boolean } };
    expect(staged.value).toMatchObject({ committed: false, cleared: true });
    const first = haproxy.processes[0]!.sockets[0];
    expect(await haproxy.send(`show acl @${staged.value.version} ${mixed}`, first)).toBe('\n');
    expect(await rawShow(mixed)).toEqual(before);
    expect(await versions()).toEqual(versionsBefore);
    for (const reply of await rawShow(mixed)) expect(reply).toMatch(/^0x[0-9a-f]+ 10\.0\.0\.1\n\n$/);
  });

  test('del by { ref } with 2 processes is refused and changes no process (refs are per process)', async () => {
    await hap.acl.replace(paths, ['/admin', '/private', '/admin']);
    const entries = await hap.acl.show(paths);
    const before = await rawShow(paths);
    // Each process has its own addresses: the ref show() returns is the first process's.
    expect(before[0]).toContain(`${entries[2]!.ref} /admin\n`);
    const error = await hap.acl.del(paths, { ref: entries[2]!.ref }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'ref', value: entries[2]!.ref });
    expect(await rawShow(paths)).toEqual(before);
    // A string shaped like a reference is a pattern: none equals it, nothing is deleted.
    await expect(hap.acl.del(paths, `#${entries[2]!.ref}`)).rejects.toBeInstanceOf(NotFoundError);
    expect(await rawShow(paths)).toEqual(before);
  });

  test('sync applies only the difference, or replaces when the change is large', async () => {
    await hap.acl.replace(paths, ['/a', '/b', '/c']);
    await hap.acl.add(paths, '/a');
    const before = await hap.acl.show(paths);
    const report = await hap.acl.sync(paths, ['/a', '/b', '/d', '/#0xfeed']);
    expect(report).toMatchObject({ mode: 'incremental', added: ['/d', '/#0xfeed'], unchanged: 2 });
    expect([...report.removed].sort()).toEqual(['/a', '/c']);
    expect(report.processes.map((item) => [item.added, item.removed])).toEqual([
      [2, 2],
      [2, 2],
    ]);
    const after = await hap.acl.show(paths);
    expect(after.map((entry) => entry.value)).toEqual(['/a', '/b', '/d', '/#0xfeed']);
    expect(after[0]!.ref).toBe(before[0]!.ref);
    const again = await hap.acl.sync(paths, new Set(['/a', '/b', '/d', '/#0xfeed']));
    expect(again).toMatchObject({ mode: 'incremental', added: [], removed: [], unchanged: 4 });
    const big = Array.from({ length: 300 }, (_, index) => `/big/${index}`);
    await expect(hap.acl.sync(paths, big)).resolves.toMatchObject({ mode: 'replace' });
    for (const reply of await rawShow(paths)) expect(reply.trim().split('\n')).toHaveLength(300);
  });
});

describeWithHAProxy('plugin-acl entry references on real HAProxy (1 process)', () => {
  let single: RealHAProxy;
  beforeAll(async () => {
    single = await startHAProxy({
      // The same config on fixed ports, plus a `level user` socket; paths.acl lists /admin twice.
      config: (context) =>
        config({ ...context, port: (name) => (name === 'srv' ? 48132 : 48131) }).replace(
          'level admin\n',
          `level admin\n  stats socket ${context.dir}/user.sock level user\n`,
        ),
      files: { ...files, 'paths.acl': '/admin\n/private\n/admin\n' },
    });
  });
  afterAll(async () => {
    await single?.stop();
  });

  test('del by { ref } removes that one entry, not its duplicate', async () => {
    const client = await HAProxy.connect({ socketFile: single.socket, plugins: [aclPlugin()] });
    try {
      const file = `${single.dir}/paths.acl`;
      const entries = await client.acl.show(file);
      expect(entries.map((entry) => entry.value)).toEqual(['/admin', '/private', '/admin']);
      await client.acl.del(file, { ref: entries[2]!.ref });
      expect(await single.send(`show acl ${file}`)).toBe(
        `${entries[0]!.ref} /admin\n${entries[1]!.ref} /private\n\n`,
      );
      await expect(client.acl.del(file, { ref: entries[2]!.ref })).rejects.toThrow(/Key not found/);
    } finally {
      await client.close();
    }
  });

  test('HAProxy 2.6 accepts ACL writes on a level user socket (as the README says)', async () => {
    const client = await HAProxy.connect({ socketFile: `${single.dir}/user.sock`, plugins: [aclPlugin()] });
    try {
      const user = `${single.dir}/user.sock`;
      expect(await single.send('set server be_app/s1 weight 2', user)).toMatch(/Permission denied/);
      const file = `${single.dir}/ips.acl`;
      await client.acl.add(file, '172.16.0.0/12');
      await client.acl.del(file, '172.16.0.0/12');
      await client.acl.replace(file, ['10.1.0.0/16']);
      expect(await single.send(`show acl ${file}`)).toMatch(/^0x[0-9a-f]+ 10\.1\.0\.0\/16\n\n$/);
      await client.acl.clear(file);
      expect(await single.send(`show acl ${file}`)).toBe('\n');
    } finally {
      await client.close();
    }
  });
});
