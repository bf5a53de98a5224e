import { createConnection } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import { SocketConnectionError } from '../src/errors.js';
import {
  formatEndpoint,
  log,
  parseEndpoint,
  streamTransport,
  type TransportInterceptor,
  type TransportLogEvent,
  withInterceptors,
} from '../src/index.js';
import { type FakeCli, fakeCli, info, tempDir } from './transport.helpers.js';

let dir: ReturnType<typeof tempDir>;
let fake: FakeCli;
beforeEach(async () => {
  dir = tempDir();
  fake = await fakeCli(`${dir.dir}/a.sock`, (line) =>
    line === 'show info' ? info(99) : line === 'show cli level' ? 'operator\n\n' : `${line}\n\n`,
  );
});
afterEach(async () => {
  await fake.close();
  dir.remove();
});

describe('public transport API', () => {
  it('streamTransport carries any byte stream (here a plain net socket standing in for TLS)', async () => {
    const path = `${dir.dir}/a.sock`;
    const transport = streamTransport({
      endpoint: 'custom://a',
      connect: () =>
        new Promise((resolve, reject) => {
          const socket = createConnection(path, () => resolve(socket));
          socket.once('error', reject);
        }),
    });
    const executor = await createExecutor({ transports: [transport] });
    try {
      const processes = await executor.processes();
      expect(processes).toEqual([
        { key: 'custom://a', endpoint: 'custom://a', pid: 99, role: 'standalone', current: true },
      ]);
      const [outcome] = await executor.run('hello');
      expect(outcome).toMatchObject({ ok: true, value: 'hello\n' });
    } finally {
      await executor.close();
    }
  });

  it('interceptors wrap every request: log() and a custom one, outermost first', async () => {
    const events: TransportLogEvent[] = [];
    const order: string[] = [];
    const tag =
      (name: string): TransportInterceptor =>
      (next) =>
      (request) => {
        order.push(name);
        return next(request);
      };
    const executor = await createExecutor({
      socketFile: `${dir.dir}/a.sock`,
      interceptors: [tag('outer'), log((event) => events.push(event)), tag('inner')],
    });
    try {
      order.length = 0;
      events.length = 0;
      await executor.run('show version');
      expect(order).toEqual(['outer', 'inner']);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        endpoint: `unix://${dir.dir}/a.sock`,
        line: 'show version',
        ok: true,
      });
    } finally {
      await executor.close();
    }
    const wrapped = withInterceptors(
      streamTransport({
        endpoint: 'x',
        connect: () => Promise.reject(Object.assign(new Error('nope'), { code: 'ECONNREFUSED' })),
      }),
      [log((event) => events.push(event))],
    );
    await expect(wrapped.send({ line: 'x' })).rejects.toBeInstanceOf(SocketConnectionError);
    expect(events.at(-1)).toMatchObject({ ok: false, line: 'x' });
  });

  it('parses and formats endpoints', () => {
    expect(parseEndpoint('unix:///run/a.sock')).toEqual({ kind: 'unix', path: '/run/a.sock' });
    expect(parseEndpoint('/run/a.sock')).toEqual({ kind: 'unix', path: '/run/a.sock' });
    expect(parseEndpoint('unix@/run/a.sock')).toEqual({ kind: 'unix', path: '/run/a.sock' });
    expect(parseEndpoint('tcp://10.0.0.1:9999')).toEqual({ kind: 'tcp', host: '10.0.0.1', port: 9999 });
    expect(parseEndpoint('lb1.example:9999')).toEqual({ kind: 'tcp', host: 'lb1.example', port: 9999 });
    expect(parseEndpoint('[::1]:9999')).toEqual({ kind: 'tcp', host: '::1', port: 9999 });
    expect(parseEndpoint('ipv6@[::1]:9999')).toEqual({ kind: 'tcp', host: '::1', port: 9999 });
    expect(formatEndpoint(parseEndpoint('[::1]:9999'))).toBe('tcp://[::1]:9999');
    for (const bad of ['', 'tcp://host', 'host:0', 'host:70000', 'ftp://x:1', '::1:9999']) {
      expect(() => parseEndpoint(bad)).toThrow(/invalid endpoint|invalid Unix/);
    }
  });
});
