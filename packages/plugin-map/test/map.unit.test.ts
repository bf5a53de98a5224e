/**
 * The map plugin against an in-test executor answering with replies captured from HAProxy 2.6.12
 * (transcripts 21-acl, 22-map): no HAProxy needed.
 */
import { HAProxy } from '@haproxyadmin/sdk';
import {
  type Executor,
  InvalidArgumentError,
  NotFoundError,
  PatternKindError,
  type ProcessOutcome,
  type ProcessRef,
  type RunOptions,
} from '@haproxyadmin/sdk/plugin';
import { describe, expect, test } from 'vitest';
import { mapPlugin } from '../src/index.js';
import { planSteps, toPairs } from '../src/replace.js';

const SHOW_MAP =
  "# id (file) description\n6 ($LAB/hap1/routes.map) pattern loaded from file '$LAB/hap1/routes.map' used by map at file '$LAB/hap1/haproxy.cfg' line 21. curr_ver=0 next_ver=0 entry_cnt=3\n";
const SHOW_ACL =
  "# id (file) description\n0 ($LAB/hap1/blocked.acl) pattern loaded from file '$LAB/hap1/blocked.acl' used by acl at file '$LAB/hap1/haproxy.cfg' line 18. curr_ver=0 next_ver=0 entry_cnt=2\n1 () acl 'path_beg' file '$LAB/hap1/haproxy.cfg' line 18. curr_ver=0 next_ver=0 entry_cnt=0\n";
const SHOW_MAP_6 = '0x560107e6fa80 /api be_api\n0x560107e6fb10 /static be_app\n0x560107e6fba0 /tcp be_tcp\n';

function capturedExecutor(count = 2) {
  const processes: ProcessRef[] = Array.from({ length: count }, (_, index) => ({
    key: `p${index}`,
    endpoint: `unix:///p${index}.sock`,
    pid: index + 1,
    role: 'standalone',
    current: true,
  }));
  const calls: Array<{ line: string; options: RunOptions }> = [];
  const replies: Record<string, string> = {
    'show map': SHOW_MAP,
    'show acl': SHOW_ACL,
    'show map #6': SHOW_MAP_6,
    'prepare map #6': 'New version created: 1\n',
    'get map #6 /v2/users':
      'type=beg, case=sensitive, found=yes, idx=tree, key="/v2", value="be_api", type="str"\n',
  };
  const executor: Executor = {
    processes: async () => processes,
    async run(line, options = {}) {
      const targets = Array.isArray(options.targets) ? options.targets : processes;
      calls.push({ line, options });
      return targets.map(
        (process): ProcessOutcome<string> => ({ process, ok: true, value: replies[line] ?? '' }),
      );
    },
    close: async () => {},
  };
  return { executor, calls };
}

describe('map plugin (captured replies)', () => {
  test('add map #<acl id> is refused before anything is written (22-map.txt)', async () => {
    const { executor, calls } = capturedExecutor();
    const hap = await HAProxy.connect({ executor, plugins: [mapPlugin()] });
    const error = await hap.map.add(0, '/v2', 'be_api').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PatternKindError);
    expect((error as Error).message).toMatch(/#0 is an ACL, not a map/);
    await expect(hap.map.get(0, '/v2')).rejects.toBeInstanceOf(PatternKindError);
    await expect(hap.map.add(42, '/v2', 'be_api')).rejects.toBeInstanceOf(NotFoundError);
    expect(calls.map((call) => call.line).filter((line) => !line.startsWith('show '))).toEqual([]);
  });

  test('writes and reads go to every current process with escaped words', async () => {
    const { executor, calls } = capturedExecutor();
    const hap = await HAProxy.connect({ executor, plugins: [mapPlugin()] });
    await hap.map.add(6, '/a b;c', 'v\\1');
    expect(calls.at(-1)).toMatchObject({
      line: 'add map #6 /a\\ b\\;c v\\\\1',
      options: { targets: 'current' },
    });
    await expect(hap.map.get(6, '/v2/users')).resolves.toMatchObject({
      found: true,
      key: '/v2',
      value: 'be_api',
    });
    await expect(hap.map.show(6)).resolves.toEqual([
      { ref: '0x560107e6fa80', key: '/api', value: 'be_api' },
      { ref: '0x560107e6fb10', key: '/static', value: 'be_app' },
      { ref: '0x560107e6fba0', key: '/tcp', value: 'be_tcp' },
    ]);
    // A key HAProxy would read as a reference is looked up per process, never sent as `#0x…`.
    await expect(hap.map.set(6, '#0xabc', 'v')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.map.del(6, '#0xabc')).rejects.toBeInstanceOf(NotFoundError);
    expect(calls.some((call) => call.line.includes('#0xabc'))).toBe(false);
  });

  test('replace stages payload chunks per process, then commits', async () => {
    const { executor, calls } = capturedExecutor(2);
    const hap = await HAProxy.connect({ executor, plugins: [mapPlugin()] });
    const entries = Array.from({ length: 2000 }, (_, index): [string, string] => [
      `/k${index}`,
      `value ${index}`,
    ]);
    entries.splice(10, 0, ['/has space', 'x']);
    const result = await hap.map.replace(6, entries, { maxRequestBytes: 4096 });
    expect(result.count).toBe(2001);
    const adds = calls.filter((call) => call.line.startsWith('add map @1 #6'));
    const payloads = adds.filter((call) => call.options.payload !== undefined);
    expect(adds.find((call) => call.options.payload === undefined)?.line).toBe(
      'add map @1 #6 /has\\ space x',
    );
    for (const call of payloads) {
      expect(
        new TextEncoder().encode(`${call.line} <<\n${call.options.payload}\n\n`).length,
      ).toBeLessThanOrEqual(4096);
    }
    const staged = payloads.flatMap((call) => call.options.payload!.split('\n'));
    expect(staged).toHaveLength(2 * 2000);
    expect(calls.filter((call) => call.line === 'commit map @1 #6')).toHaveLength(2);
    const firstCommit = calls.findIndex((call) => call.line.startsWith('commit'));
    expect(calls.slice(firstCommit).every((call) => call.line.startsWith('commit'))).toBe(true);
  });

  test('replace refuses bad entries before anything is sent', async () => {
    const { executor, calls } = capturedExecutor();
    const hap = await HAProxy.connect({ executor, plugins: [mapPlugin()] });
    for (const entries of [[['k', 'v\nclear map #6']], [['', 'v']], [['k', '']], [['k\0', 'v']]] as Array<
      Array<[string, string]>
    >) {
      await expect(hap.map.replace(6, entries)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(calls).toEqual([]);
  });
});

describe('payload planning', () => {
  test('entries a payload cannot carry become escaped commands, order kept', () => {
    const steps = planSteps(
      [
        ['/a', 'x'],
        ['/b c', 'y'],
        ['/d', '  lead'],
        ['/e', 'tail  '],
        ['/f\\g', 'h\\i'],
      ],
      30,
      16384,
    );
    expect(steps).toEqual([
      { payload: '/a x', count: 1 },
      { words: '/b\\ c y', count: 1 },
      { words: '/d \\ \\ lead', count: 1 },
      { payload: '/e tail  \n/f\\g h\\i', count: 2 },
    ]);
  });

  test('toPairs accepts maps, objects, pairs and entry objects', () => {
    const expected = [
      ['a', '1'],
      ['b', '2'],
    ];
    expect(toPairs(new Map(expected as Array<[string, string]>))).toEqual(expected);
    expect(toPairs({ a: '1', b: '2' })).toEqual(expected);
    expect(toPairs(expected as Array<[string, string]>)).toEqual(expected);
    expect(
      toPairs([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]),
    ).toEqual(expected);
    expect(() => toPairs([['a'] as unknown as [string, string]])).toThrow(InvalidArgumentError);
  });
});
