/**
 * Stick tables, sessions, captured errors and resolvers against a real HAProxy 2.6.12.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError, NotFoundError } from '../src/index.js';
import { waitFor } from './setup-wait.js';

const CONFIG = `
global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats timeout 30s
defaults
    timeout connect 1s
    timeout client 30s
    timeout server 30s
resolvers dns1
    nameserver ns1 127.0.0.1:\${port:dns}
frontend fe_http
    mode http
    bind 127.0.0.1:\${port:http}
    http-request track-sc0 src table st_http
    http-request return status 200 content-type text/plain string ok
backend be_http
    mode http
    server s1 127.0.0.1:\${port:web}
backend st_http
    stick-table type ip size 1k expire 10m store http_req_cnt,conn_cur,gpc0,http_req_rate(10s)
backend st_users
    stick-table type string len 64 size 1k expire 10m store gpc0,http_req_cnt
frontend fe_tcp
    mode tcp
    bind 127.0.0.1:\${port:tcp}
    default_backend be_tcp
backend be_tcp
    mode tcp
    server t1 127.0.0.1:\${port:echo}
`;

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1');
    let reply = '';
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describeWithHAProxy('tables, sessions, errors and resolvers on a real HAProxy 2.6', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let echo: Server;
  const held: Socket[] = [];

  beforeAll(async () => {
    real = await startHAProxy({ config: CONFIG });
    // A TCP server that keeps connections open (the stream shows up in show sess).
    echo = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => echo.listen(real.ports.echo!, '127.0.0.1', resolve));
    hap = await HAProxy.connect({ socketFile: `${real.dir}/admin.sock` });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await hap?.close();
    await new Promise<void>((resolve) => echo?.close(() => resolve()));
    await real?.stop();
  });

  it('tables() lists every table with type, size and used', async () => {
    const tables = await hap.tables();
    expect(tables.map(({ name, type, size }) => ({ name, type, size }))).toEqual(
      expect.arrayContaining([
        { name: 'st_http', type: 'ip', size: 1024 },
        { name: 'st_users', type: 'string', size: 1024 },
      ]),
    );
    expect(tables.find((table) => table.name === 'st_users')?.used).toBe(0);
  });

  it('tracked traffic shows up as typed entries; filters and keys select them', async () => {
    // Two HTTP requests tracked by source address (the backend is down: 503 is fine).
    for (let i = 0; i < 2; i++) await raw(real.ports.http!, 'GET / HTTP/1.0\r\n\r\n');
    const table = await hap.table('st_http');
    expect(table.type).toBe('ip');
    expect(table.used).toBe(1);
    const [entry] = table.entries;
    expect(entry).toMatchObject({ key: '127.0.0.1', data: { http_req_cnt: 2, gpc0: 0, conn_cur: 0 } });
    expect(entry!.data['http_req_rate(10000)']).toBe(2);
    expect(entry!.perProcess[0]!.ref).toMatch(/^0x[0-9a-f]+$/);
    expect(entry!.expire).toBeGreaterThan(500_000);

    const matching = await hap.table('st_http', { filter: { data: 'http_req_cnt', op: 'ge', value: 2 } });
    expect(matching.entries.map((e) => e.key)).toEqual(['127.0.0.1']);
    const none = await hap.table('st_http', {
      filter: [
        { data: 'http_req_cnt', op: 'ge', value: 2 },
        { data: 'gpc0', op: 'gt', value: 0 },
      ],
    });
    expect(none.entries).toEqual([]);
    expect((await hap.table('st_http', { key: '127.0.0.1' })).entries).toHaveLength(1);
    expect((await hap.table('st_http', { key: '10.9.9.9' })).entries).toEqual([]);
  });

  it('setTableEntry creates and updates entries (keys with spaces kept exactly); clearTable removes them', async () => {
    await hap.setTableEntry('st_users', 'user 42;x', { gpc0: 7, http_req_cnt: 3 });
    await hap.setTableEntry('st_users', 'bob', { gpc0: 1 });
    let table = await hap.table('st_users');
    expect(table.entries.map((e) => [e.key, e.data.gpc0, e.data.http_req_cnt])).toEqual([
      ['bob', 1, 0],
      ['user 42;x', 7, 3],
    ]);
    await hap.setTableEntry('st_users', 'bob', { gpc0: 5 });
    expect((await hap.table('st_users', { key: 'bob' })).entries[0]!.data.gpc0).toBe(5);

    await hap.clearTable('st_users', { filter: { data: 'gpc0', op: 'eq', value: 7 } });
    table = await hap.table('st_users');
    expect(table.entries.map((e) => e.key)).toEqual(['bob']);
    await hap.clearTable('st_users', { key: 'bob' });
    expect((await hap.table('st_users')).entries).toEqual([]);
    await hap.setTableEntry('st_users', 'a', { gpc0: 1 });
    await hap.clearTable('st_users');
    expect((await hap.tables()).find((t) => t.name === 'st_users')?.used).toBe(0);
  });

  it('HAProxy refusals are typed: unknown table, data type not stored', async () => {
    await expect(hap.table('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.setTableEntry('nosuch', 'k', { gpc0: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.setTableEntry('st_users', 'k', { conn_cur: 1 })).rejects.toThrow(
      /Data type not stored in this table/,
    );
    await expect(hap.table('st_users', { filter: { data: 'nope', op: 'eq', value: 1 } })).rejects.toThrow(
      /Filter entry #1: Unknown data type/,
    );
  });

  it('sessions() lists streams with frontend, backend and server; shutdownSession closes one', async () => {
    const client = createConnection(real.ports.tcp!, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => {});
    // listed once HAProxy accepted it and connected it to t1 (not instant on a busy machine)
    const stream = await waitFor(
      async () =>
        (await hap.sessions()).find(
          (session) => session.frontend === 'fe_tcp' && session.server !== undefined,
        ),
      { what: 'the fe_tcp stream connected to t1' },
    );
    expect(stream).toMatchObject({ proto: 'tcpv4', backend: 'be_tcp', server: 't1' });
    expect(stream!.source).toBe(`127.0.0.1:${client.localPort}`);
    expect(stream!.ptr).toMatch(/^0x[0-9a-f]+$/);
    expect(stream!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(stream!.process.pid).toBeGreaterThan(0);
    // Our own CLI connection is listed too.
    expect((await hap.sessions()).some((s) => s.frontend === 'GLOBAL' && s.proto === 'unix_stream')).toBe(
      true,
    );

    await hap.shutdownSession(stream!);
    await closed;
    expect((await hap.sessions()).some((session) => session.ptr === stream!.ptr)).toBe(false);
    await expect(hap.shutdownSession(stream!.ptr)).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.shutdownSession('not-a-pointer')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('errors() returns the captured protocol errors as records', async () => {
    await raw(real.ports.http!, 'GARBAGE\x01\x02 NOT HTTP\r\n\r\n');
    const [report] = await hap.errors();
    expect(report!.total).toBeGreaterThanOrEqual(1);
    const error = report!.errors.find((e) => e.proxy === 'fe_http');
    expect(error).toMatchObject({
      direction: 'request',
      peer: undefined,
      server: undefined,
      errorPosition: 7,
    });
    expect(error!.source).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(error!.dump.join('\n')).toContain('GARBAGE\\x01\\x02 NOT HTTP');
    expect((await hap.errors('fe_http'))[0]!.errors).toHaveLength(report!.errors.length);
    await expect(hap.errors('nosuch')).rejects.toThrow(/No such proxy/);
  });

  it('resolvers() reports each section and nameserver with counters', async () => {
    const [own] = await hap.resolvers('dns1');
    expect(own!.sections).toHaveLength(1);
    expect(own!.sections[0]!.name).toBe('dns1');
    expect(own!.sections[0]!.nameservers[0]!.name).toBe('ns1');
    expect(own!.sections[0]!.nameservers[0]!.counters).toMatchObject({ sent: expect.any(Number), nx: 0 });
    const [all] = await hap.resolvers();
    expect(all!.sections.map((section) => section.name)).toContain('dns1');
    await expect(hap.resolvers('nosuch')).rejects.toBeInstanceOf(NotFoundError);
  });
});
