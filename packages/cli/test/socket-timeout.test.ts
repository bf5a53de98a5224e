/**
 * `--timeout` with a socket folder whose sockets accept but never answer: the error says they timed
 * out (the message is the SDK's; this guards what the CLI shows of it).
 */
import { mkdtempSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('--timeout and a folder of silent sockets', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hapctl-silent-'));
    for (const name of ['a.sock', 'b.sock', 'c.sock']) {
      const server = createServer((socket) => sockets.push(socket)); // accepts, never answers
      await new Promise<void>((resolve) => server.listen(join(dir, name), resolve));
      servers.push(server);
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('exit 5, one line saying how many sockets timed out', async () => {
    const io = captureIo();
    expect(await run(['servers', '--timeout', '50', '--socket-dir', dir], io)).toBe(5);
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hapctl: Socket\w+Error: /);
    expect(lines[0]).toContain('3 timed out');
  });
});
