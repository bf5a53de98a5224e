import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeCli {
  path: string;
  server: Server;
  /** Every command line received (greeting excluded), in order, across connections. */
  lines: string[];
  /** Connections accepted so far. */
  connections: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/**
 * What to do with one command line: return the reply text (the prompt is added), or handle the
 * socket yourself and return `undefined`.
 */
export type Handler = (
  line: string,
  socket: Socket,
  fake: FakeCli,
) => string | undefined | Promise<string | undefined>;

export const tempDir = (): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'hapx-transport-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * A tiny stats-socket look-alike on a Unix socket: answers `prompt` and `set severity-output`
 * like HAProxy 2.6 (prompt mode), then passes every other line to `handler`.
 */
export async function fakeCli(
  path: string,
  handler: Handler,
  options: { greet?: boolean } = {},
): Promise<FakeCli> {
  const sockets = new Set<Socket>();
  const fake: FakeCli = {
    path,
    server: undefined as unknown as Server,
    lines: [],
    connections: 0,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        fake.server.close(() => resolve());
      }),
  };
  fake.server = createServer((socket) => {
    fake.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    let buffer = '';
    let chain = Promise.resolve();
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let index = buffer.indexOf('\n');
      while (index >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 1);
        chain = chain.then(async () => {
          if (socket.destroyed) return;
          if (options.greet !== false && (line === 'prompt' || line === 'set severity-output number')) {
            socket.write('\n> ');
            return;
          }
          fake.lines.push(line);
          const reply = await handler(line, socket, fake);
          if (reply !== undefined && !socket.destroyed) socket.write(`${reply}> `);
        });
        index = buffer.indexOf('\n');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    fake.server.once('error', reject);
    fake.server.listen(path, () => resolve());
  });
  return fake;
}

/** A Unix socket file nobody listens on (a crashed HAProxy's leftover): connect gives ECONNREFUSED. */
export function staleSocket(path: string): void {
  execFileSync('python3', [
    '-c',
    'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])',
    path,
  ]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `show info` of a fake process. */
export const info = (pid: number, start = 1795609862, node = 'vm') =>
  `Name: HAProxy\nVersion: 2.6.12-1+deb12u4\nPid: ${pid}\nUptime_sec: 1\nnode: ${node}\nStart_time_sec: ${start}\n\n`;
