import { HAProxy } from '@haproxyadmin/sdk';
import { CommandFailedError, InvalidArgumentError, NotFoundError } from '@haproxyadmin/sdk/plugin';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  clearTable,
  parseTableEntries,
  parseTableList,
  setTableEntry,
  stickTablePlugin,
} from '../src/index.js';

describe('parsers (replies captured from HAProxy 2.6.12)', () => {
  test('show table', () => {
    expect(
      parseTableList(
        '# table: st_shared, type: string, size:1024, used:0\n# table: be_api, type: ip, size:102400, used:1\n',
      ),
    ).toEqual([
      { name: 'st_shared', type: 'string', size: 1024, used: 0 },
      { name: 'be_api', type: 'ip', size: 102400, used: 1 },
    ]);
  });

  test('show table <name>', () => {
    expect(
      parseTableEntries(
        '# table: be_api, type: ip, size:102400, used:1\n0x56010805c458: key=127.0.0.1 use=0 exp=1694178 conn_cur=0 http_req_cnt=6 http_req_rate(10000)=0\n',
      ),
    ).toEqual([
      {
        ref: '0x56010805c458',
        key: '127.0.0.1',
        use: 0,
        expire: 1694178,
        data: { conn_cur: 0, http_req_cnt: 6, 'http_req_rate(10000)': 0 },
      },
    ]);
    expect(() => parseTableEntries('No such table\n')).toThrow(CommandFailedError);
    // Captured: keys set as `a b`, `e=f use=9` and `été<TAB>x`.
    const keys = parseTableEntries(
      '# table: st_users, type: string, size:1024, used:3\n0x555bdbeebf78: key=a\\ b use=0 exp=599954 gpc0=1\n0x555bdbeec1e8: key=e\\=f\\ use\\=9 use=0 exp=599974 gpc0=3\n0x555bdbeebf79: key=\\xC3\\xA9t\\xC3\\xA9\\tx use=0 exp=599995 gpc0=1\n',
    ).map((entry) => entry.key);
    expect(keys).toEqual(['a b', 'e=f use=9', 'été\tx']);
  });

  test('set table refuses bad input before anything is sent', () => {
    expect(() => setTableEntry.serialize!('st', 'k', {})).toThrow(InvalidArgumentError);
    expect(() => setTableEntry.serialize!('st', 'k', { 'gpc0 1; shutdown': 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => setTableEntry.serialize!('st', 'k\n', { gpc0: 1 })).toThrow(InvalidArgumentError);
    expect(setTableEntry.serialize!('st', 'user 1;x', { gpc0: 7 })).toBe(
      'set table st key user\\ 1\\;x data.gpc0 7',
    );
    expect(clearTable.arity).toBe(2);
  });
});

let haproxy: RealHAProxy;
const connect = () => HAProxy.connect({ socketDir: haproxy.dir, plugins: [stickTablePlugin()] });
let hap: Awaited<ReturnType<typeof connect>>;

describeWithHAProxy('stick-table plugin on real HAProxy (2 processes)', () => {
  beforeAll(async () => {
    haproxy = await startHAProxy({
      processes: 2,
      config: `
global
  stats socket \${dir}/admin\${index}.sock level admin
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 5s
frontend fe
  bind 127.0.0.1:\${port:http\${index}}
  default_backend st_users
backend st_users
  stick-table type string len 64 size 1k expire 10m store gpc0,http_req_cnt
`,
    });
    hap = await connect();
  });
  afterAll(async () => {
    await hap?.close();
    await haproxy?.stop();
  });

  test('set on every process, show per process, list sums', async () => {
    await hap.stickTable.set('st_users', 'alice smith;1=\\é', { gpc0: 7, http_req_cnt: 3 });
    const outcomes = await hap.stickTable.show('st_users');
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome.ok && outcome.value).toMatchObject([
        { key: 'alice smith;1=\\é', data: { gpc0: 7, http_req_cnt: 3 } },
      ]);
    }
    await expect(hap.stickTable.list()).resolves.toEqual([
      { name: 'st_users', type: 'string', size: 1024, used: 2 },
    ]);
    await hap.stickTable.clear('st_users', 'alice smith;1=\\é');
    await expect(hap.stickTable.list()).resolves.toMatchObject([{ used: 0 }]);
  });

  test('errors are errors: unknown table, data type not stored', async () => {
    const error = await hap.stickTable.set('nope', 'k', { gpc0: 1 }).catch((caught: unknown) => caught);
    // HAProxy's "No such table" is a lookup miss: NotFoundError, with HAProxy's reply as its cause.
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).kind).toBe('table');
    expect((error as Error).cause).toBeInstanceOf(CommandFailedError);
    expect((error as Error).message).toMatch(/No such table/);
    await expect(hap.stickTable.set('st_users', 'k', { conn_cur: 1 })).rejects.toThrow(
      /Data type not stored/,
    );
    const outcomes = await hap.stickTable.show('nope');
    expect(outcomes.every((outcome) => !outcome.ok)).toBe(true);
  });

  test('commands run without the plugin through hap.execute', async () => {
    const bare = await HAProxy.connect({ socketDir: haproxy.dir });
    try {
      await bare.execute(setTableEntry, 'st_users', 'bob', { gpc0: 1 });
      await bare.execute(clearTable, 'st_users', undefined, { timeout: 2000 });
      await expect(hap.stickTable.list()).resolves.toMatchObject([{ used: 0 }]);
    } finally {
      await bare.close();
    }
  });
});
