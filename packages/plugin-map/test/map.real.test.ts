/**
 * @haproxyadmin/plugin-map against two real HAProxy 2.6 processes started from one config.
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
import { mapPlugin, replaceMap, setMapEntry } from '../src/index.js';

/** Process 1 reads `mixed.map` with string keys, process 2 with IP keys: a key only one accepts. */
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
  http-request deny if blocked
  http-request set-var(txn.mixed) ${index === 1 ? 'path,map_beg' : 'src,map_ip'}(${dir}/mixed.map,none)
  use_backend %[path,map_beg(${dir}/routes.map,be_app)]
backend be_app
  server s1 127.0.0.1:${port('srv')}
`;

const files = {
  'ips.acl': '10.0.0.0/8\n',
  'routes.map': '/api be_api\n/static be_app\n',
  'mixed.map': '10.0.0.1 ten\n',
};

let haproxy: RealHAProxy;
const connect = () => HAProxy.connect({ socketDir: haproxy.dir, plugins: [mapPlugin()] });
let hap: Awaited<ReturnType<typeof connect>>;
let routes: string;

/** Every process's raw reply, straight from each socket (not through the SDK). */
const raw = (line: string) =>
  Promise.all(haproxy.processes.map((process) => haproxy.send(line, process.sockets[0])));
const rawShow = (id: string) => raw(`show map ${id}`);
/** `curr_ver` and `entry_cnt` of a map on every process. */
const versions = async (file: string) =>
  (await raw('show map')).map((text) => {
    const line = text.split('\n').find((item) => item.includes(`(${file})`))!;
    const match = /curr_ver=(\d+) next_ver=(\d+) entry_cnt=(\d+)/.exec(line)!;
    return { current: Number(match[1]), next: Number(match[2]), count: Number(match[3]) };
  });

describeWithHAProxy('plugin-map on real HAProxy (2 processes)', () => {
  beforeAll(async () => {
    haproxy = await startHAProxy({
      processes: 2,
      config,
      files,
    });
    routes = `${haproxy.dir}/routes.map`;
    hap = await connect();
  });
  afterAll(async () => {
    await hap?.close();
    await haproxy?.stop();
  });

  test('list and show (seed parity: show_map, show_map(id))', async () => {
    const list = await hap.map.list();
    const row = list.find((item) => item.file === routes)!;
    expect(row).toBeDefined();
    expect(list.every((item) => item.file !== `${haproxy.dir}/ips.acl`)).toBe(true);
    const expected = [
      { key: '/api', value: 'be_api' },
      { key: '/static', value: 'be_app' },
    ];
    expect(await hap.map.show(row.id)).toMatchObject(expected);
    expect(await hap.map.show(routes)).toMatchObject(expected);
  });

  test('add, set, get, del, clear on every process (seed parity: add_map, set_map, get_map, del_map)', async () => {
    await hap.map.add(routes, '/v2', 'be_api');
    await hap.map.add(routes, '/v2', 'be_app');
    const found = {
      found: true,
      type: 'beg',
      caseSensitive: true,
      index: 'tree',
      key: '/v2',
      value: 'be_api',
      valueType: 'str',
    };
    await expect(hap.map.get(routes, '/v2/users')).resolves.toEqual({ ...found, methods: [found] });
    await hap.map.set(routes, '/v2', 'be_tcp');
    for (const reply of await rawShow(routes)) expect(reply.match(/ \/v2 be_tcp\n/g)).toHaveLength(2);
    await expect(hap.map.set(routes, '/nokey', 'x')).rejects.toBeInstanceOf(CommandFailedError);
    await hap.map.del(routes, '/v2');
    for (const reply of await rawShow(routes)) expect(reply).not.toContain('/v2');
    const missed = { found: false, type: 'beg', caseSensitive: true };
    await expect(hap.map.get(routes, '/zzz')).resolves.toEqual({ ...missed, methods: [missed] });
    const [first] = await hap.map.show(routes);
    expect(first!.ref).toMatch(/^0x/);
  });

  test('hostile keys and values are stored exactly (get, show)', async () => {
    const hostile: Array<[string, string]> = [
      ['/a b', 'v with  spaces'],
      ['/semi;colon', 'x;y'],
      ['/#hash', '#value'],
      ['#0xdeadbeef', 'looks like a ref'],
      ['/tab\tkey', 'tab\tvalue'],
      ['/back\\slash', 'C:\\path\\'],
      ['/ünï/日本', 'café ☕'],
      ['/ends<<', '<<'],
      ['/lead', '  leading blanks'],
    ];
    for (const [key, value] of hostile) await hap.map.add(routes, key, value);
    for (const [key, value] of hostile) {
      const result = await hap.map.get(routes, key);
      expect(result, key).toMatchObject({ found: true, key, value });
    }
    const shown = await hap.map.show(routes);
    for (const [key, value] of hostile.filter(([key]) => !/[ \t]/.test(key))) {
      expect(shown, key).toContainEqual(expect.objectContaining({ key, value }));
    }
    await hap.map.set(routes, '#0xdeadbeef', 'changed');
    await expect(hap.map.get(routes, '#0xdeadbeef')).resolves.toMatchObject({ value: 'changed' });
    for (const [key] of hostile) await hap.map.del(routes, key);
    expect(await hap.map.show(routes)).toMatchObject([{ key: '/api' }, { key: '/static' }]);
    for (const bad of ['k\nclear map #0', 'k\r', 'k\0']) {
      await expect(hap.map.add(routes, bad, 'v')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(hap.map.add(routes, 'k', bad)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(hap.map.replace(routes, [['k', bad]])).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await hap.map.show(routes)).toHaveLength(2);
  });

  test('an ACL id or file is refused as a map before anything is written', async () => {
    const aclList = (await raw('show acl'))[0]!;
    const aclId = Number(new RegExp(`^(\\d+) \\(${haproxy.dir}/ips.acl\\)`, 'm').exec(aclList)![1]);
    const before = await raw(`show acl #${aclId}`);
    const error = await hap.map.add(aclId, '/v2', 'be_api').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PatternKindError);
    expect(error).toMatchObject({ id: aclId, expected: 'map', actual: 'acl' });
    await expect(hap.map.set(aclId, '/v2', 'x')).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.map.get(aclId, '/v2')).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.map.replace(aclId, { a: 'b' })).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.map.add(`${haproxy.dir}/ips.acl`, '10.1.1.1', 'x')).rejects.toBeInstanceOf(
      PatternKindError,
    );
    expect(await raw(`show acl #${aclId}`)).toEqual(before);
    await expect(hap.map.add(4242, 'k', 'v')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.map.add('123', 'k', 'v')).rejects.toMatchObject({ kind: 'map', lookup: '123' });
  });

  test('replace 50,000 entries atomically on every process within 5 s', async () => {
    const before = await versions(routes);
    const entries = new Map<string, string>();
    for (let index = 0; index < 50_000; index++)
      entries.set(`/route/${index}`, `be_${index % 7} extra ${index}`);
    entries.set('/with space', 'odd one');
    const events: string[] = [];
    const started = performance.now();
    const result = await hap.map.replace(routes, entries, {
      onProgress: (event) => events.push(`${event.phase}:${event.process.pid}:${event.done}/${event.total}`),
    });
    const elapsed = performance.now() - started;
    console.log(`map.replace of 50,001 entries on 2 processes: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(5000);
    expect(result.count).toBe(50_001);
    const after = await versions(routes);
    after.forEach((version, index) => {
      expect(version.current).toBeGreaterThan(before[index]!.current);
      expect(version.count).toBe(50_001);
    });
    for (const reply of await rawShow(routes)) {
      const lines = reply.trim().split('\n');
      expect(lines).toHaveLength(50_001);
      expect(lines[49_999]).toMatch(/ \/route\/49999 be_5 extra 49999$/);
    }
    await expect(hap.map.get(routes, '/with space')).resolves.toMatchObject({ value: 'odd one' });
    expect(events.filter((event) => event.startsWith('add:')).length).toBeGreaterThan(10);
    expect(events.filter((event) => event.startsWith('commit:'))).toHaveLength(2);
  });

  test('del by { ref } with 2 processes is refused and changes no process (refs are per process)', async () => {
    await hap.map.add(routes, '/api', 'be_old');
    const entries = await hap.map.show(routes);
    const ref = entries.find((entry) => entry.value === 'be_old')!.ref;
    const before = await rawShow(routes);
    expect(before[0]).toContain(`${ref} /api be_old\n`);
    const error = await hap.map.del(routes, { ref }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'ref', value: ref });
    expect(await rawShow(routes)).toEqual(before);
    // A string shaped like a reference is a key: none equals it, nothing is changed.
    await expect(hap.map.del(routes, `#${ref}`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.map.set(routes, `#${ref}`, 'be_x')).rejects.toBeInstanceOf(NotFoundError);
    expect(await rawShow(routes)).toEqual(before);
    await hap.map.replace(routes, { '/api': 'be_api', '/static': 'be_app' });
  });

  test('a replace refused on one process commits nowhere and leaves the map byte-identical', async () => {
    const mixed = `${haproxy.dir}/mixed.map`;
    const before = await rawShow(mixed);
    const versionsBefore = await versions(mixed);
    const error = await hap.map
      .replace(mixed, [
        ['10.9.9.9', 'nine'],
        ['/only-a-path', 'path'],
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    const outcomes = (error as AggregateProcessError).outcomes;
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    const staged = outcomes[0] as { value: { version: number; committed: boolean; cleared: boolean } };
    expect(staged.value).toMatchObject({ committed: false, cleared: true });
    const first = haproxy.processes[0]!.sockets[0];
    expect(await haproxy.send(`show map @${staged.value.version} ${mixed}`, first)).toBe('\n');
    expect(await rawShow(mixed)).toEqual(before);
    const versionsAfter = await versions(mixed);
    expect(versionsAfter.map((version) => version.current)).toEqual(
      versionsBefore.map((version) => version.current),
    );
    // Process 1 staged everything and its version was cleared: its counter is exact again. On process 2,
    // HAProxy 2.6 itself decrements entry_cnt for the refused add, so its counter is not checked.
    expect(versionsAfter[0]!.count).toBe(1);
  });

  test('sync applies only the difference, or replaces when the change is large', async () => {
    const bare = await HAProxy.connect({ socketDir: haproxy.dir });
    try {
      await bare.execute(replaceMap, routes, { '/a': '1', '/b': '2', '/c': '3' });
      await bare.execute(setMapEntry, routes, '/b', '2');
    } finally {
      await bare.close();
    }
    await hap.map.add(routes, '/a', 'duplicate');
    const before = await hap.map.show(routes);
    const report = await hap.map.sync(routes, { '/a': '1', '/b': 'two', '/d': '4', '/e f': 'g h' });
    expect(report).toMatchObject({
      mode: 'incremental',
      added: ['/d', '/e f'],
      updated: ['/b'],
      unchanged: 1,
    });
    expect([...report.removed].sort()).toEqual(['/a', '/c']);
    const after = await hap.map.show(routes);
    expect(after.find((entry) => entry.key === '/a')!.ref).toBe(
      before.find((entry) => entry.key === '/a')!.ref,
    );
    expect(after.map((entry) => `${entry.key}=${entry.value}`)).toEqual([
      '/a=1',
      '/b=two',
      '/d=4',
      '/e=f g h',
    ]);
    await expect(hap.map.get(routes, '/e f')).resolves.toMatchObject({ key: '/e f', value: 'g h' });
    const again = await hap.map.sync(routes, { '/a': '1', '/b': 'two', '/d': '4', '/e f': 'g h' });
    expect(again).toMatchObject({ mode: 'incremental', added: [], updated: [], removed: [], unchanged: 4 });
    const big = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`/k${index}`, `v${index}`]));
    const version = await versions(routes);
    await expect(hap.map.sync(routes, big)).resolves.toMatchObject({ mode: 'replace' });
    expect((await versions(routes)).map((item) => item.count)).toEqual([500, 500]);
    expect((await versions(routes))[0]!.current).toBeGreaterThan(version[0]!.current);
  });
});

describeWithHAProxy('plugin-map entry references on real HAProxy (1 process)', () => {
  let single: RealHAProxy;
  beforeAll(async () => {
    single = await startHAProxy({
      // The same config on fixed ports, plus a `level user` socket; routes.map holds the key /api twice.
      config: (context) =>
        config({ ...context, port: (name) => (name === 'srv' ? 48134 : 48133) }).replace(
          'level admin\n',
          `level admin\n  stats socket ${context.dir}/user.sock level user\n`,
        ),
      files: { ...files, 'routes.map': '/api be_api\n/static be_app\n/api be_old\n' },
    });
  });
  afterAll(async () => {
    await single?.stop();
  });

  test('del by { ref } removes that one entry, not the other with the same key', async () => {
    const client = await HAProxy.connect({ socketFile: single.socket, plugins: [mapPlugin()] });
    try {
      const file = `${single.dir}/routes.map`;
      const entries = await client.map.show(file);
      expect(entries.map((entry) => `${entry.key} ${entry.value}`)).toEqual([
        '/api be_api',
        '/static be_app',
        '/api be_old',
      ]);
      await client.map.del(file, { ref: entries[2]!.ref });
      expect(await single.send(`show map ${file}`)).toBe(
        `${entries[0]!.ref} /api be_api\n${entries[1]!.ref} /static be_app\n\n`,
      );
      await expect(client.map.del(file, { ref: entries[2]!.ref })).rejects.toThrow(/Key not found/);
    } finally {
      await client.close();
    }
  });

  test('HAProxy 2.6 accepts map writes on a level user socket (as the README says)', async () => {
    const client = await HAProxy.connect({ socketFile: `${single.dir}/user.sock`, plugins: [mapPlugin()] });
    try {
      const user = `${single.dir}/user.sock`;
      expect(await single.send('set server be_app/s1 weight 2', user)).toMatch(/Permission denied/);
      const file = `${single.dir}/mixed.map`;
      await client.map.add(file, '10.0.0.2', 'two');
      await client.map.set(file, '10.0.0.2', 'deux');
      await client.map.del(file, '10.0.0.1');
      expect(await single.send(`show map ${file}`)).toMatch(/^0x[0-9a-f]+ 10\.0\.0\.2 deux\n\n$/);
      await client.map.replace(file, { '10.0.0.3': 'three' });
      await client.map.clear(file);
      expect(await single.send(`show map ${file}`)).toBe('\n');
    } finally {
      await client.close();
    }
  });
});
