/**
 * Setup shared by the tests that run real HAProxy processes (or the fake cluster) across
 * master-worker reloads: configuration text, a held CLI connection that keeps a worker alive as an
 * old worker, waiting for a reload to be seen, and the small echo / web servers behind backends.
 */
import { createServer as createHttpServer, request } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createFakeCluster, type FakeCluster, type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';
import { afterEach } from 'vitest';
import { HAProxy } from '../src/index.js';
import type { ProcessRef } from '../src/core/types.js';
import { waitFor } from './setup-wait.js';

export interface ConfigOptions {
  /** The admin stats socket (default `${dir}/admin.sock`; `${dir}/admin${index}.sock` for several processes). */
  socket?: string;
  /** `stats timeout` of the global section (none when omitted). */
  statsTimeout?: string;
  mode: 'http' | 'tcp';
  /** `timeout client` and `timeout server` (default 5s). */
  timeout?: string;
  /** Extra lines of the defaults section (indented like the others). */
  defaults?: string;
}

/**
 * A test configuration: a global section with one admin stats socket, a defaults section, then
 * `body` (frontends, backends…) as given. `${dir}`, `${index}` and `${port:NAME}` are left for
 * `startHAProxy` / `createFakeCluster` to fill.
 */
export function haproxyConfig(options: ConfigOptions, body: string): string {
  const { socket = '${dir}/admin.sock', statsTimeout, mode, timeout = '5s', defaults } = options;
  const global = [`    stats socket ${socket} mode 600 level admin`];
  if (statsTimeout) global.push(`    stats timeout ${statsTimeout}`);
  const defaultLines = [
    `    mode ${mode}`,
    '    timeout connect 1s',
    `    timeout client ${timeout}`,
    `    timeout server ${timeout}`,
  ];
  if (defaults) defaultLines.push(defaults.replace(/\n$/, ''));
  return `\nglobal\n${global.join('\n')}\ndefaults\n${defaultLines.join('\n')}\n${body.replace(/^\n/, '')}`;
}

/** The smallest useful configuration: one admin stats socket at `socket`, backend `be` with `s1` (weight 10). */
export function oneServerConfig(socket: string): string {
  return haproxyConfig({ socket, mode: 'http' }, 'backend be\n    server s1 127.0.0.1:9 weight 10\n');
}

export interface HeldConnection {
  socket: Socket;
  /** Send one command in prompt mode and return its reply (without the prompt). */
  ask(line: string): Promise<string>;
}

/**
 * Open a prompt-mode CLI connection to a worker's stats socket and keep it: HAProxy keeps a
 * worker alive after a reload as long as it has a connection, so it stays as an old worker.
 */
export function holdWorker(path: string): Promise<HeldConnection> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.setEncoding('utf8');
    let buffer = '';
    let waiter: ((text: string) => void) | undefined;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.endsWith('\n> ') && waiter) {
        const text = buffer.slice(0, -2);
        buffer = '';
        const done = waiter;
        waiter = undefined;
        done(text);
      }
    });
    const ask = (line: string) =>
      new Promise<string>((done) => {
        waiter = done;
        socket.write(`${line}\n`);
      });
    socket.once('error', reject);
    socket.once('connect', () => {
      ask('prompt').then(() => resolve({ socket, ask }), reject);
    });
  });
}

/**
 * Wait until the client sees the reload: an old worker (with `oldPid` when given) beside a current
 * one that is not it. `show proc` is read again once the master closed the connection, which may
 * take a moment on a busy machine.
 */
export function waitForOldWorker(hap: HAProxy, oldPid?: number): Promise<readonly ProcessRef[]> {
  return waitFor(
    async () => {
      const processes = await hap.executor.processes();
      const old = processes.some((p) => !p.current && (oldPid === undefined || p.pid === oldPid));
      const current = processes.some((p) => p.current && p.pid !== oldPid);
      return old && current ? processes : undefined;
    },
    { what: 'an old worker beside a new current one', interval: 50 },
  );
}

/**
 * For a describe block: start a fake cluster behind its master CLI with a client connected through
 * it, and hold worker connections; all of it is closed after each test.
 */
export function fakeMasterCluster() {
  const open: { cluster?: FakeCluster | undefined; hap?: HAProxy | undefined; held: Socket[] } = { held: [] };
  afterEach(async () => {
    for (const socket of open.held.splice(0)) socket.destroy();
    await open.hap?.close();
    await open.cluster?.close();
    open.hap = undefined;
    open.cluster = undefined;
  });
  return {
    async start(config: string, processes = 2): Promise<{ cluster: FakeCluster; hap: HAProxy }> {
      const cluster = await createFakeCluster({ processes, master: true, config });
      open.cluster = cluster;
      const hap = await HAProxy.connect({ master: cluster.masterSocket!, timeout: 5000 });
      open.hap = hap;
      return { cluster, hap };
    },
    /** {@link holdWorker}, closed after the test. */
    async hold(path: string): Promise<HeldConnection> {
      const held = await holdWorker(path);
      open.held.push(held.socket);
      return held;
    },
  };
}

/** A real HAProxy in master-worker mode and a client connected through its master CLI. */
export async function startMaster(config: string): Promise<{ real: RealHAProxy; hap: HAProxy }> {
  const real = await startHAProxy({ master: true, config });
  try {
    return { real, hap: await HAProxy.connect({ master: real.masterSocket!, timeout: 5000 }) };
  } catch (error) {
    await real.stop();
    throw error;
  }
}

export interface EchoServer {
  server: Server;
  /** The connections it holds. */
  accepted: Set<Socket>;
  close(): Promise<void>;
}

/** A TCP echo server on 127.0.0.1:`port`: sessions through HAProxy to it stay open until closed. */
export async function startEcho(port: number): Promise<EchoServer> {
  const accepted = new Set<Socket>();
  const server = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    accepted,
    close: async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An HTTP server on 127.0.0.1:`port` answering `ok` to everything. */
export async function startWeb(port: number): Promise<{ close(): Promise<void> }> {
  const server = createHttpServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** One HTTP GET / to 127.0.0.1:`port` on a fresh connection, body read and dropped. */
export function httpGet(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Count the `show stat` dumps the client has completed from now on (the executor is wrapped).
 * `hap.events()` compares every snapshot with the first one: a test that changes something must
 * wait until that baseline was read, which on a busy machine takes longer than any fixed sleep.
 */
export function countDumps(hap: HAProxy): () => number {
  const executor = hap.executor;
  const run = executor.run.bind(executor);
  let done = 0;
  executor.run = async (line, options) => {
    const outcomes = await run(line, options);
    if (line === 'show stat') done++;
    return outcomes;
  };
  return () => done;
}

/** Stats sockets of N processes, real or fake, from one configuration. */
export interface SocketTarget {
  /** Each process's stats socket, in process order. */
  sockets: string[];
  /** The folder holding them (`HAProxy.connect({ socketDir })`). */
  dir: string;
  close(): Promise<void>;
}

/**
 * The two targets a test runs on: `real` real HAProxy processes (when HAProxy is installed) and a
 * fake cluster of `fake` processes, from the same configuration.
 */
export function socketTargets(config: string, real: number, fake: number) {
  return [
    {
      name: `real HAProxy (${real} processes)`,
      available: haproxyAvailable(),
      async start(): Promise<SocketTarget> {
        const started = await startHAProxy({ processes: real, config });
        return {
          sockets: started.processes.map((p) => p.sockets[0]!),
          dir: started.dir,
          close: () => started.stop(),
        };
      },
    },
    {
      name: `fake cluster (${fake} processes)`,
      available: true,
      async start(): Promise<SocketTarget> {
        const cluster = await createFakeCluster({ processes: fake, config });
        return {
          sockets: cluster.processes.map((p) => p.sockets[0]!.address),
          dir: cluster.socketDir,
          close: () => cluster.close(),
        };
      },
    },
  ] as const;
}
