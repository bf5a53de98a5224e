/** Stick tables, sessions, errors and SSL against fake clusters: aggregation and argument checks. */
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError, NotFoundError, UnsupportedError } from '../src/index.js';

const CONFIG = `
global
    stats socket \${dir}/haproxy-\${index}.sock level admin
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend st_users
backend st_users
    stick-table type string len 32 size 1k expire 10m store gpc0,gpt0,http_req_cnt,http_req_rate(10s)
`;

describe('stick tables across two fake processes', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;
  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 2, config: CONFIG });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });
  beforeEach(() => cluster.reset());

  const calls = () => cluster.processes.flatMap((process) => process.calls.map((call) => call.line));

  it('entries are merged by key: counters summed, tags kept only when processes agree', async () => {
    const [one, two] = cluster.processes;
    await one!.send('set table st_users key alice data.gpc0 2 data.http_req_cnt 10 data.gpt0 1');
    await two!.send('set table st_users key alice data.gpc0 3 data.http_req_cnt 5 data.gpt0 1');
    await two!.send('set table st_users key bob data.gpc0 1 data.gpt0 4');
    await one!.send('set table st_users key bob data.gpt0 5');
    const table = await hap.table('st_users');
    expect(table.used).toBe(4);
    expect(table.perProcess.map((p) => p.used)).toEqual([2, 2]);
    const [alice, bob] = table.entries;
    expect(alice).toMatchObject({ key: 'alice', data: { gpc0: 5, http_req_cnt: 15, gpt0: 1 } });
    expect(alice!.perProcess.map((copy) => copy.process.pid)).toEqual(cluster.processes.map((p) => p.pid));
    expect(bob!.data).toMatchObject({ gpc0: 1, gpt0: null });
    const [info] = await hap.tables();
    expect(info).toMatchObject({ name: 'st_users', type: 'string', size: 1024, used: 4 });
  });

  it('writes go to every process; key lookups of an absent key are empty, not an error', async () => {
    await hap.setTableEntry('st_users', 'carol', { gpc0: 4n });
    expect(calls().filter((line) => line.startsWith('set table'))).toEqual([
      'set table st_users key carol data.gpc0 4',
      'set table st_users key carol data.gpc0 4',
    ]);
    expect((await hap.table('st_users', { key: 'carol' })).entries[0]!.data.gpc0).toBe(8);
    expect((await hap.table('st_users', { key: 'nobody' })).entries).toEqual([]);
    await hap.clearTable('st_users', { key: 'carol' });
    expect((await hap.table('st_users')).entries).toEqual([]);
  });

  it('bad input is refused before anything is sent', async () => {
    const attempts: Array<() => Promise<unknown>> = [
      () => hap.table('bad name'),
      () => hap.table('st_users', { key: '' }),
      () => hap.table('st_users', { key: 'a', filter: { data: 'gpc0', op: 'eq', value: 1 } }),
      () => hap.table('st_users', { filter: { data: 'gpc0', op: 'like' as 'eq', value: 1 } }),
      () => hap.table('st_users', { filter: { data: 'data.gpc0', op: 'eq', value: 1 } }),
      () => hap.table('st_users', { filter: { data: 'gpc0', op: 'eq', value: -1 } }),
      () => hap.table('st_users', { filter: { data: 'gpc0', op: 'eq', value: 1.5 } }),
      () =>
        hap.table('st_users', {
          filter: Array.from({ length: 5 }, () => ({ data: 'gpc0', op: 'eq' as const, value: 1 })),
        }),
      () => hap.setTableEntry('st_users', 'k', { gpc0: Number.NaN }),
      () => hap.setTableEntry('st_users', 'k', { 'gpc0 1 data.x': 1 }),
      () => hap.setTableEntry('st_users', 'line\nbreak', { gpc0: 1 }),
      () => hap.setTableEntry('st_users', 'k', [] as unknown as Record<string, number>),
      () => hap.clearTable('st_users', 'key' as unknown as { key: string }),
      () => hap.shutdownSession('0xZZ'),
      () => hap.shutdownSession(''),
      () => hap.resolvers('bad name'),
      () => hap.ssl.showCert(''),
      () => hap.ssl.showCert('*x.pem'),
      () => hap.ssl.setCert('x.pem', 'not a pem'),
      () => hap.ssl.commitCert('a\nb'),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(calls()).toEqual([]);
  });

  it('HAProxy refusals: unknown table → NotFoundError, other errors as HAProxy says', async () => {
    await expect(hap.table('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.clearTable('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.setTableEntry('st_users', 'k', { conn_cur: 1 })).rejects.toThrow(
      /Data type not stored in this table/,
    );
  });

  it('sessions are labelled with their process; shutdownSession by record or by pointer', async () => {
    const sessions = await hap.sessions();
    // Our own CLI connections, one per process.
    expect(new Set(sessions.map((s) => s.process.pid))).toEqual(new Set(cluster.processes.map((p) => p.pid)));
    expect(sessions.every((s) => s.frontend === 'GLOBAL' && s.backend === undefined)).toBe(true);
    const extra = cluster.processes[1]!;
    const other = await import('node:net').then(({ createConnection }) => createConnection(extra.socket));
    await new Promise<void>((resolve) => other.once('connect', () => resolve()));
    other.write('prompt\n');
    await new Promise((resolve) => other.once('data', resolve));
    const closed = new Promise<void>((resolve) => other.once('close', () => resolve()));
    const listed = (await hap.sessions()).filter((s) => s.process.pid === extra.pid);
    expect(listed).toHaveLength(2);
    const victim = listed.find((s) => !sessions.some((known) => known.ptr === s.ptr))!;
    await hap.shutdownSession(victim.ptr);
    await closed;
    await expect(hap.shutdownSession(victim)).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.shutdownSession('0xdeadbeef')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('errors() parses the report of each process', async () => {
    const reports = await hap.errors();
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({ total: 0, errors: [] });
    expect(reports[0]!.capturedAt).toMatch(/^\d\d\/\w{3}\/\d{4}:/);
  });

  it('TLS without ssl binds: no certificates; transactions refused like 2.6', async () => {
    expect(await hap.ssl.certs()).toMatchObject({ files: [], transactions: [] });
    expect(await hap.ssl.crtLists()).toEqual([]);
    await expect(hap.ssl.showCert('/x.pem')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.ssl.abortCert('/x.pem')).rejects.toThrow(/No ongoing transaction!/);
    await expect(
      hap.ssl.setCert('/x.pem', '-----BEGIN CERTIFICATE-----\n\nAAAA\n-----END CERTIFICATE-----\n'),
    ).rejects.toThrow(/not referenced by the configuration/);
    // The payload went out with its empty line removed.
    expect(
      cluster.processes[0]!.calls.find((call) => call.line.startsWith('set ssl cert'))?.payload?.trimEnd(),
    ).toBe('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
    // 2.6 has no `update ssl ocsp-response` (2.8+).
    await expect(hap.ssl.updateOcspResponse('/x.pem')).rejects.toBeInstanceOf(UnsupportedError);
    await expect(hap.ssl.updateOcspResponse('/x.pem')).rejects.toThrow(
      'not supported by this HAProxy: update ssl ocsp-response',
    );
  });
});
