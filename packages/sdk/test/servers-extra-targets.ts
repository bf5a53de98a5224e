/**
 * Targets of the server, drain, dynamic-server and events tests: real HAProxy 2.6 processes
 * (startHAProxy) and a fake cluster, from the same configuration. Sessions are real TCP connections
 * held through `fe_drain` to a tiny echo server on the real target, and held sessions
 * (`setSessions`) on the fake. Every effect is read back raw, per process.
 */
import { connect, type Socket } from 'node:net';
import { createFakeCluster, type FakeCluster, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';
import { startEcho } from './setup-haproxy.js';
import { waitFor } from './setup-wait.js';

export const SERVERS_CONFIG = `
global
    stats socket \${dir}/admin\${index}.sock mode 600 level admin
    stats timeout 30s
defaults
    mode tcp
    timeout connect 1s
    timeout client 30s
    timeout server 30s
frontend fe_drain
    bind 127.0.0.1:\${port:drain}
    default_backend be_drain
frontend fe_other
    bind 127.0.0.1:\${port:other}
    default_backend be_other
backend be
    balance roundrobin
    server s1 127.0.0.1:\${port:echo} check inter 200ms rise 1
    server s2 127.0.0.1:\${port:s2} agent-check agent-port \${port:agent} agent-inter 60s
    server s3 127.0.0.1:\${port:s3}
    server s4 127.0.0.1:\${port:s4} weight 7 maxconn 30
    server s5 127.0.0.1:\${port:s5} ssl verify none
backend be_drain
    balance roundrobin
    server d1 127.0.0.1:\${port:echo}
    server d2 127.0.0.1:\${port:echo} disabled
backend be_other
    balance roundrobin
    server d1 127.0.0.1:\${port:echo}
`;

export interface ServersTarget {
  readonly name: string;
  readonly socketDir: string;
  readonly sockets: readonly string[];
  /** Open `count` sessions through `fe_drain` (→ be_drain/d1) or `fe_other` (→ be_other/d1), held open. */
  hold(count: number, frontend?: 'fe_drain' | 'fe_other'): Promise<void>;
  /** Close `count` held sessions (all when omitted). */
  release(count?: number): Promise<void>;
  /** Fake only: every command line the processes received. */
  calls(): string[];
  /** Fake only: the cluster. */
  readonly fake: FakeCluster | undefined;
  close(): Promise<void>;
}

export interface ServersTargetFactory {
  readonly name: string;
  readonly available: boolean;
  start(): Promise<ServersTarget>;
}

export function raw(target: ServersTarget, index: number, command: string): Promise<string> {
  return sendRaw(target.sockets[index]!, command);
}

export function onEvery<T>(target: ServersTarget, read: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(target.sockets.map((_, index) => read(index)));
}

/** One column of one server's `show servers state` line, read raw from one process. */
export async function rawState(
  target: ServersTarget,
  index: number,
  backend: string,
  server: string,
  column: string,
): Promise<string | undefined> {
  const text = await raw(target, index, `show servers state ${backend}`);
  const lines = text.trim().split('\n');
  const header = lines[1]!.slice(2).split(' ');
  const row = lines
    .slice(2)
    .map((line) => line.split(' '))
    .find((parts) => parts[3] === server);
  return row?.[header.indexOf(column)];
}

/** One `show stat` field of one row of one process, read raw. */
export async function rawStat(
  target: ServersTarget,
  index: number,
  proxy: string,
  svname: string,
  field: string,
): Promise<string | undefined> {
  const text = await raw(target, index, `show stat ${proxy} -1 -1`);
  const [header, ...rows] = text.trim().split('\n');
  const columns = header!.slice(2).split(',');
  const row = rows.map((line) => line.split(',')).find((parts) => parts[1] === svname);
  return row?.[columns.indexOf(field)];
}

/** The same column on every process. */
export function stateEverywhere(target: ServersTarget, backend: string, server: string, column: string) {
  return onEvery(target, (index) => rawState(target, index, backend, server, column));
}

export function statEverywhere(target: ServersTarget, proxy: string, svname: string, field: string) {
  return onEvery(target, (index) => rawStat(target, index, proxy, svname, field));
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Current sessions (`scur`) of fe_drain and fe_other, summed over every process. */
async function frontendSessions(sockets: readonly string[]): Promise<number> {
  let total = 0;
  for (const socket of sockets) {
    for (const frontend of ['fe_drain', 'fe_other']) {
      const text = await sendRaw(socket, `show stat ${frontend} 1 -1`);
      const row = text.split('\n').find((line) => line.startsWith(`${frontend},FRONTEND,`));
      total += Number(row?.split(',')[4] ?? 0); // pxname,svname,qcur,qmax,scur
    }
  }
  return total;
}

async function startReal(processes: number): Promise<ServersTarget> {
  const real = await startHAProxy({ processes, config: SERVERS_CONFIG });
  // The echo server every drain session and s1's checks go to.
  const echo = await startEcho(real.ports.echo!);
  const sockets = real.processes.map((process) => process.sockets[0]!);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows = await Promise.all(sockets.map((socket) => sendRaw(socket, 'show stat be 4 -1')));
    if (rows.every((text) => /^be,s1,(?:[^,]*,){15}UP,/m.test(text))) break;
    if (Date.now() > deadline) throw new Error(`be/s1 did not come UP:\n${rows.join('\n')}`);
    await delay(100);
  }
  const held: Socket[] = [];
  return {
    name: 'real',
    socketDir: real.dir,
    sockets,
    fake: undefined,
    async hold(count, frontend = 'fe_drain') {
      const port = frontend === 'fe_drain' ? real.ports.drain! : real.ports.other!;
      for (let i = 0; i < count; i++) {
        const client = connect(port, '127.0.0.1');
        client.on('error', () => {});
        // The session exists on the server once the echo comes back through HAProxy.
        await new Promise<void>((resolve, reject) => {
          client.once('data', () => resolve());
          client.once('error', reject);
          client.write('x');
        });
        held.push(client);
      }
    },
    async release(count = held.length) {
      const closing = held.splice(0, count);
      await Promise.all(closing.map((client) => new Promise<void>((resolve) => client.end(() => resolve()))));
      for (const client of closing) client.destroy();
      // HAProxy ends the sessions a moment later: wait, so that the next count does not see them
      await waitFor(async () => (await frontendSessions(sockets)) === held.length, {
        what: `${held.length} session(s) left in fe_drain and fe_other`,
      });
    },
    calls: () => {
      throw new Error('calls() is only recorded by the fake');
    },
    async close() {
      for (const client of held) client.destroy();
      await echo.close();
      await real.stop();
    },
  };
}

async function startFake(processes: number): Promise<ServersTarget> {
  const cluster = await createFakeCluster({ processes, config: SERVERS_CONFIG });
  // Held sessions per process and server, spread like SO_REUSEPORT would (round robin).
  const held: Array<{ index: number; backend: string; frontend: string }> = [];
  let next = 0;
  const apply = () => {
    cluster.processes.forEach((process, index) => {
      for (const [frontend, backend] of [
        ['fe_drain', 'be_drain'],
        ['fe_other', 'be_other'],
      ] as const) {
        const count = held.filter((h) => h.index === index && h.backend === backend).length;
        // A deleted server has no sessions to set.
        if (process.state.proxies.some((p) => p.name === backend && p.servers.some((s) => s.name === 'd1')))
          process.setSessions({ backend, server: 'd1', frontend }, count);
      }
    });
  };
  return {
    name: 'fake',
    socketDir: cluster.socketDir,
    sockets: cluster.processes.map((process) => process.sockets[0]!.address),
    fake: cluster,
    async hold(count, frontend = 'fe_drain') {
      for (let i = 0; i < count; i++) {
        held.push({
          index: next++ % processes,
          backend: frontend === 'fe_drain' ? 'be_drain' : 'be_other',
          frontend,
        });
      }
      apply();
    },
    async release(count = held.length) {
      held.splice(0, count);
      apply();
    },
    calls: () => cluster.processes.flatMap((process) => process.calls.map((call) => call.line)),
    close: () => cluster.close(),
  };
}

export const SERVERS_TARGETS: readonly ServersTargetFactory[] = [
  { name: 'real HAProxy (3 processes)', available: haproxyAvailable(), start: () => startReal(3) },
  { name: 'fake cluster (4 processes)', available: true, start: () => startFake(4) },
];
