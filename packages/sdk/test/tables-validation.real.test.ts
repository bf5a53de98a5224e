/**
 * What HAProxy 2.6.12 itself does with stick-table writes the SDK now refuses (3 real processes),
 * and the key/data types the fake does not model: `binary` tables, `gpc(n)` / `gpt(n)` arrays.
 */
import { sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError, UnsupportedError } from '../src/index.js';
import { haproxyConfig, type SocketTarget, socketTargets } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp' },
  `
backend st_src
    stick-table type ip size 100k store gpc0,http_req_cnt
backend st_bin
    stick-table type binary len 4 size 1k store gpc0
backend st_arr
    stick-table type string size 1k store gpc(2),gpt(1)
`,
);

const [real] = socketTargets(CONFIG, 3, 0);

(real.available ? describe : describe.skip)('stick tables on 3 real HAProxy 2.6 processes', () => {
  let target: SocketTarget;
  let hap: HAProxy;
  const raw = (line: string) => Promise.all(target.sockets.map((socket) => sendRaw(socket, line)));
  const keys = async (table: string) => (await hap.table(table)).entries.map((entry) => entry.key);

  beforeAll(async () => {
    target = await real.start();
    hap = await HAProxy.connect({ socketDir: target.dir, timeout: 5000 });
  });
  afterAll(async () => {
    await hap?.close();
    await target?.close();
  });

  it('unchecked, 2.6 stores another key, wraps values and keeps the entry of a refused command', async () => {
    await raw('clear table st_src');
    expect(await raw('set table st_src key not\\ an\\ ip data.gpc0 1')).toEqual(['\n', '\n', '\n']);
    expect(await raw('set table st_src key 10.1.1.4\\;show\\ info')).toEqual(['\n', '\n', '\n']);
    expect(await raw('set table st_src key 10.1.1.6 data.gpc0 99999999999999')).toEqual(['\n', '\n', '\n']);
    expect(await raw('set table st_src key 10.1.1.5 data.nosuch 1')).toEqual(
      target.sockets.map(() => 'Unknown data type\n\n'),
    );
    const table = await hap.table('st_src');
    expect(table.entries.map((entry) => [entry.key, entry.data.gpc0])).toEqual([
      ['0.0.0.0', 3],
      ['10.1.1.4', 0],
      ['10.1.1.5', 0],
      ['10.1.1.6', 3 * 276447231],
    ]);
    // `clear table … key not an ip` clears 0.0.0.0; through the SDK it is refused.
    await expect(hap.clearTable('st_src', { key: 'not an ip' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await keys('st_src')).toContain('0.0.0.0');
    await raw('clear table st_src key not\\ an\\ ip');
    expect(await keys('st_src')).not.toContain('0.0.0.0');
    await raw('clear table st_src');
  });

  it('binary tables: the key must be hex; 2.6 refuses keys of binary tables (UnsupportedError)', async () => {
    await expect(hap.setTableEntry('st_bin', 'zz', { gpc0: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.setTableEntry('st_bin', '0102030', { gpc0: 1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(hap.setTableEntry('st_bin', '01020304', { gpc0: 1 })).rejects.toBeInstanceOf(
      UnsupportedError,
    );
    await expect(hap.table('st_bin', { key: '01020304' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(hap.clearTable('st_bin', { key: '01020304' })).rejects.toBeInstanceOf(UnsupportedError);
    expect((await hap.tables()).find((table) => table.name === 'st_bin')?.used).toBe(0);
  });

  it('gpc/gpt arrays: data.gpc sets element 0 (shown as gpc0); data.gpc0 is not stored', async () => {
    const before = await raw('show table st_arr');
    await expect(hap.setTableEntry('st_arr', 'k', { gpc0: 1 })).rejects.toThrow(
      /data\.gpc0 cannot be set: Data type not stored in this table st_arr/,
    );
    await expect(hap.setTableEntry('st_arr', 'k', { 'gpc[1]': 1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await raw('show table st_arr')).toEqual(before);
    await hap.setTableEntry('st_arr', 'k', { gpc: 5, gpt: 7 });
    const [entry] = (await hap.table('st_arr')).entries;
    expect(entry!.data).toMatchObject({ gpt0: 7, gpc0: 15, gpc1: 0 }); // gpt is a tag, gpc a counter;
    const found = await hap.table('st_arr', {
      filter: { data: 'gpc', op: 'eq', value: 15 },
      filterOn: 'merged',
    });
    expect(found.entries.map((e) => e.key)).toEqual(['k']);
  });
});
