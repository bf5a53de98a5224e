/**
 * Stick-table writes are checked before anything changes, on 3 real HAProxy 2.6 processes and on a
 * 3-process fake cluster: a refused call leaves `show table` byte-identical on every process and
 * sends no `set table` / `clear table`. HAProxy 2.6.12 would otherwise store something else
 * (`not an ip` → 0.0.0.0, `gpc0 99999999999999` → 276447231) or create the entry and then refuse
 * (`data.nosuch`).
 */
import { sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError } from '../src/index.js';
import { haproxyConfig, type SocketTarget, socketTargets } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp' },
  `
backend st_src
    stick-table type ip size 100k store gpc0,http_req_cnt
backend st_ip6
    stick-table type ipv6 size 1k store gpc0
backend st_int
    stick-table type integer size 1k store gpc0
backend st_str
    stick-table type string len 16 size 1k store gpc0,server_id,bytes_in_cnt,conn_rate(10s)
`,
);

const TABLES = ['st_src', 'st_ip6', 'st_int', 'st_str'];

for (const factory of socketTargets(CONFIG, 3, 3)) {
  (factory.available ? describe : describe.skip)(`stick-table validation: ${factory.name}`, () => {
    let target: SocketTarget;
    let hap: HAProxy;
    const sent: string[] = [];
    // The fake keeps values as JavaScript numbers: 2^63-1 comes back rounded (real HAProxy: exact).
    const bytesMax = factory.name.startsWith('real') ? 2n ** 63n - 1n : BigInt(Number.MAX_SAFE_INTEGER);

    /** Every process's raw `show table <t>` of every table. */
    const snapshot = () =>
      Promise.all(
        target.sockets.flatMap((socket) => TABLES.map((table) => sendRaw(socket, `show table ${table}`))),
      );

    beforeAll(async () => {
      target = await factory.start();
      hap = await HAProxy.connect({ socketDir: target.dir, timeout: 5000 });
      const run = hap.executor.run.bind(hap.executor);
      hap.executor.run = (line, options) => {
        sent.push(line);
        return run(line, options);
      };
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });
    beforeEach(async () => {
      for (const table of TABLES) await hap.clearTable(table);
      await hap.setTableEntry('st_src', '0.0.0.0', { gpc0: 1 });
      await hap.setTableEntry('st_int', 0, { gpc0: 1 });
      sent.length = 0;
    });

    const writes = () => sent.filter((line) => /^(?:set|clear) table/.test(line));

    it('refuses keys that do not fit the table type; nothing is written, nothing changes', async () => {
      const before = await snapshot();
      const attempts: Array<() => Promise<unknown>> = [
        // ip: HAProxy 2.6 parses these leniently and would store 0.0.0.0, 10.1.1.4, 0.1.1.1…
        () => hap.setTableEntry('st_src', 'not an ip', { gpc0: 1 }),
        () => hap.setTableEntry('st_src', '10.1.1.4;show info', { gpc0: 1 }),
        () => hap.setTableEntry('st_src', '256.1.1.1'),
        () => hap.setTableEntry('st_src', '010.1.1.1'),
        () => hap.setTableEntry('st_src', '1.2.3'),
        () => hap.setTableEntry('st_src', '::1'),
        () => hap.setTableEntry('st_src', 167837953),
        // integer: 0..4294967295, decimal (2.6 would keep 12 of `12abc`, 0 of `0x10`)
        () => hap.setTableEntry('st_int', '12abc'),
        () => hap.setTableEntry('st_int', '0x10'),
        () => hap.setTableEntry('st_int', '007'),
        () => hap.setTableEntry('st_int', '+7'),
        () => hap.setTableEntry('st_int', -1),
        () => hap.setTableEntry('st_int', 4294967296),
        // ipv6: what inet_pton accepts (no zone, no brackets, no IPv4)
        () => hap.setTableEntry('st_ip6', 'fe80::1%eth0'),
        () => hap.setTableEntry('st_ip6', '[::1]'),
        () => hap.setTableEntry('st_ip6', '1.2.3.4'),
        () => hap.setTableEntry('st_ip6', '1::2::3'),
        // clear / show by key: `clear table st_src key not an ip` would clear 0.0.0.0
        () => hap.clearTable('st_src', { key: 'not an ip' }),
        () => hap.clearTable('st_int', { key: '0abc' }),
        () => hap.table('st_src', { key: 'not an ip' }),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(writes()).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses data types the table does not store (2.6 would create the entry first)', async () => {
      const before = await snapshot();
      for (const data of [{ nosuch: 1 }, { conn_cur: 1 }, { gpc0: 1, gpc1: 2 }, { glitch_cnt: 1 }]) {
        const attempt = hap.setTableEntry('st_src', '10.1.1.5', data);
        await expect(attempt).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(hap.setTableEntry('st_src', '10.1.1.5', data)).rejects.toThrow(
          /Data type not stored in this table st_src .*nothing was changed/,
        );
      }
      expect(writes()).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect((await hap.table('st_src', { key: '10.1.1.5' })).entries).toEqual([]);
    });

    it('refuses values out of the range of the data type (2.6 would store them wrapped)', async () => {
      const before = await snapshot();
      const attempts: Array<() => Promise<unknown>> = [
        () => hap.setTableEntry('st_src', '10.1.1.6', { gpc0: 99999999999999 }),
        () => hap.setTableEntry('st_src', '10.1.1.6', { gpc0: 4294967296 }),
        () => hap.setTableEntry('st_src', '10.1.1.6', { gpc0: -1 }),
        () => hap.setTableEntry('st_src', '10.1.1.6', { http_req_cnt: 2n ** 40n }),
        () => hap.setTableEntry('st_str', 'k', { server_id: 2147483648 }),
        () => hap.setTableEntry('st_str', 'k', { server_id: -2147483649 }),
        () => hap.setTableEntry('st_str', 'k', { bytes_in_cnt: 2n ** 63n }),
        () => hap.setTableEntry('st_str', 'k', { bytes_in_cnt: -1 }),
        () => hap.setTableEntry('st_str', 'k', { conn_rate: 4294967296 }),
        () => hap.setTableEntry('st_str', 'k', { server_key: 1 }),
        () => hap.setTableEntry('st_str', 'k', { gpc0: 1.5 }),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidArgumentError);
      // Static checks: not even a read was sent.
      expect(sent).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });

    it('stores the limits of every range exactly, on every process', async () => {
      await hap.setTableEntry('st_src', '255.255.255.255', { gpc0: 4294967295, http_req_cnt: 0 });
      await hap.setTableEntry('st_int', 4294967295, { gpc0: 2 });
      await hap.setTableEntry('st_int', '4294967294');
      await hap.setTableEntry('st_ip6', '::ffff:1.2.3.4', { gpc0: 3 });
      await hap.setTableEntry('st_str', 'sixteen-chars-ok', {
        server_id: -2147483648,
        bytes_in_cnt: bytesMax,
        conn_rate: 4294967295,
      });
      await hap.setTableEntry('st_str', 'max', { server_id: 2147483647 });
      const processes = target.sockets.length;
      const src = await hap.table('st_src', { key: '255.255.255.255' });
      expect(src.entries[0]!.perProcess.map((copy) => copy.data.gpc0)).toEqual(
        target.sockets.map(() => 4294967295),
      );
      expect((await hap.table('st_int')).entries.map((e) => [e.key, e.perProcess.length])).toEqual([
        ['0', processes],
        ['4294967294', processes],
        ['4294967295', processes],
      ]);
      expect((await hap.table('st_ip6')).entries.map((e) => e.key)).toEqual(['::ffff:1.2.3.4']);
      const [max, sixteen] = (await hap.table('st_str')).entries;
      expect(max!.data.server_id).toBe(2147483647);
      expect(sixteen!.key).toBe('sixteen-chars-ok');
      expect(sixteen!.perProcess.map((copy) => copy.data)).toEqual(
        target.sockets.map(() => ({
          gpc0: 0,
          server_id: -2147483648,
          bytes_in_cnt: factory.name.startsWith('real') ? bytesMax : Number(bytesMax),
          'conn_rate(10000)': 4294967295,
        })),
      );
    });

    it('clearing an absent key succeeds and changes nothing (HAProxy answers nothing either way)', async () => {
      const before = await snapshot();
      await hap.clearTable('st_src', { key: '10.9.9.9' });
      expect(await snapshot()).toEqual(before);
      await hap.clearTable('st_src', { key: '0.0.0.0' });
      expect((await hap.table('st_src')).entries).toEqual([]);
    });

    it('filters apply per process by default; filterOn: merged filters the summed entries', async () => {
      // One request counted on each process: 3 in the merged view, 1 on each process.
      for (const socket of target.sockets) {
        expect(await sendRaw(socket, 'set table st_src key 10.0.0.1 data.http_req_cnt 1')).toBe('\n');
      }
      await sendRaw(target.sockets[0]!, 'set table st_src key 10.0.0.2 data.http_req_cnt 1');
      const filter = { data: 'http_req_cnt', op: 'ge', value: 3 } as const;
      expect((await hap.table('st_src', { filter })).entries).toEqual([]);
      const merged = await hap.table('st_src', { filter, filterOn: 'merged' });
      expect(merged.entries.map((e) => [e.key, e.data.http_req_cnt])).toEqual([['10.0.0.1', 3]]);
      expect(merged.used).toBe(2 * target.sockets.length + 1); // `used` counts every entry, unfiltered
      const both = await hap.table('st_src', {
        filter: [filter, { data: 'gpc0', op: 'eq', value: 0 }],
        filterOn: 'merged',
      });
      expect(both.entries.map((e) => e.key)).toEqual(['10.0.0.1']);
      const fewer = await hap.table('st_src', {
        filter: { data: 'http_req_cnt', op: 'lt', value: 3 },
        filterOn: 'merged',
      });
      expect(fewer.entries.map((e) => [e.key, e.data.http_req_cnt])).toEqual([
        ['0.0.0.0', 0],
        ['10.0.0.2', 1],
      ]);
      // A data type the table does not store is refused, whoever filters.
      await expect(
        hap.table('st_src', { filter: { data: 'conn_cur', op: 'gt', value: 0 }, filterOn: 'merged' }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        hap.table('st_src', { filter: { data: 'nosuch', op: 'gt', value: 0 } }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      // Clearing by merged values is not offered (HAProxy clears per process).
      sent.length = 0;
      await expect(hap.clearTable('st_src', { filter, filterOn: 'merged' })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(sent).toEqual([]);
    });

    it('a refused clear filter removes nothing', async () => {
      const before = await snapshot();
      await expect(
        hap.clearTable('st_src', { filter: { data: 'nosuch', op: 'ge', value: 0 } }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await snapshot()).toEqual(before);
    });
  });
}
