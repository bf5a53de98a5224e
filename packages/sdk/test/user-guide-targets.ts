/**
 * The two targets the User Guide runs on: 4 real HAProxy 2.6 processes (startHAProxy) and a
 * 4-process fake cluster (createFakeCluster), both from the same configuration text. Each target
 * gives raw per-process access to its sockets so that every effect is verified without the SDK.
 */
import { createFakeCluster, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';
import { httpGet, startWeb } from './setup-haproxy.js';

export const GUIDE_CONFIG = `
global
    stats socket \${dir}/admin\${index}.sock mode 600 level admin
    stats timeout 30s
    maxconn 2000
    node guide-node
    description guide cluster
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe_http
    bind 127.0.0.1:\${port:http}
    default_backend be_web
frontend fe_tcp
    mode tcp
    bind 127.0.0.1:\${port:tcp}
    default_backend be_tcp
backend be_web
    server web1 127.0.0.1:\${port:web}
backend be_app
    balance roundrobin
    server s1 127.0.0.1:\${port:web} check inter 500ms rise 1
    server s2 127.0.0.1:\${port:s2} weight 50
    server s3 [::1]:\${port:s3}
    server s4 unix@\${dir}/s4.sock
    server s5 127.0.0.1:\${port:s5} backup
backend be_tcp
    mode tcp
    balance leastconn
    server t1 127.0.0.1:\${port:t1}
    server t2 127.0.0.1:\${port:t2} disabled
`;

export interface GuideTarget {
  readonly name: string;
  /** The folder holding the stats sockets (`HAProxy.connect({ socketDir })`). */
  readonly socketDir: string;
  /** Each process's stats socket, in process order. */
  readonly sockets: readonly string[];
  /** Each process's pid. */
  readonly pids: readonly number[];
  /** Send HTTP requests through `fe_http` (the real one) or simulate them (the fake). */
  traffic(requests: number): Promise<void>;
  close(): Promise<void>;
}

export interface TargetFactory {
  readonly name: string;
  readonly available: boolean;
  start(): Promise<GuideTarget>;
}

async function startReal(): Promise<GuideTarget> {
  const real = await startHAProxy({ processes: 4, config: GUIDE_CONFIG });
  // The web server s1's health checks and be_web's traffic go to.
  const web = await startWeb(real.ports.web!);
  // s1's health checks may have failed before the web server listened: wait until every process sees it UP.
  const sockets = real.processes.map((process) => process.sockets[0]!);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows = await Promise.all(sockets.map((socket) => sendRaw(socket, 'show stat be_app 4 1')));
    if (rows.every((text) => /^be_app,s1,(?:[^,]*,){15}UP,/m.test(text))) break;
    if (Date.now() > deadline)
      throw new Error(`be_app/s1 did not come UP on every process:\n${rows.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    name: 'real',
    socketDir: real.dir,
    sockets: real.processes.map((process) => process.sockets[0]!),
    pids: real.processes.map((process) => process.pid),
    async traffic(requests) {
      for (let i = 0; i < requests; i++) await httpGet(real.ports.http!);
    },
    async close() {
      await web.close();
      await real.stop();
    },
  };
}

async function startFake(): Promise<GuideTarget> {
  const cluster = await createFakeCluster({ processes: 4, config: GUIDE_CONFIG });
  return {
    name: 'fake',
    socketDir: cluster.socketDir,
    sockets: cluster.processes.map((process) => process.sockets[0]!.address),
    pids: cluster.processes.map((process) => process.pid),
    async traffic(requests) {
      // spread like SO_REUSEPORT would: one process gets the remainder
      cluster.processes.forEach((process, index) => {
        const share = Math.floor(requests / 4) + (index < requests % 4 ? 1 : 0);
        if (share > 0) process.simulateTraffic({ frontend: 'fe_http', backend: 'be_web', requests: share });
      });
    },
    close: () => cluster.close(),
  };
}

export const TARGETS: readonly TargetFactory[] = [
  { name: 'real HAProxy', available: haproxyAvailable(), start: startReal },
  { name: 'fake cluster', available: true, start: startFake },
];

/** Raw access to one process's socket, independent of the SDK. */
export function raw(target: GuideTarget, index: number, command: string): Promise<string> {
  return sendRaw(target.sockets[index]!, command);
}

/** One field of one `show stat` row of one process, read raw (plain CSV split; these fields hold no commas). */
export async function rawStat(
  target: GuideTarget,
  index: number,
  proxy: string,
  svname: string,
  field: string,
): Promise<string> {
  const text = await raw(target, index, `show stat ${proxy} -1 -1`);
  const [header, ...rows] = text.trim().split('\n');
  const columns = header!.slice(2).split(',');
  const row = rows.map((line) => line.split(',')).find((parts) => parts[1] === svname);
  if (!row) throw new Error(`no ${proxy}/${svname} on process ${index}`);
  return row[columns.indexOf(field)]!;
}

/** One `show info` field of one process, read raw. */
export async function rawInfo(target: GuideTarget, index: number, field: string): Promise<string> {
  const text = await raw(target, index, 'show info');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${field}:`));
  return line === undefined ? '' : line.slice(field.length + 1).trim();
}

/** The same raw read on every process. */
export function onEvery<T>(target: GuideTarget, read: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(target.sockets.map((_, index) => read(index)));
}
