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

  it('exit 5, one line naming a silent socket, the time it had, how many more, and the way out', async () => {
    const io = captureIo();
    expect(await run(['servers', '--timeout', '50', '--socket-dir', dir], io)).toBe(5);
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hapctl: SocketTimeoutError: unix:\/\/.*a\.sock: /);
    expect(lines[0]).toContain('did not answer "show info" within 50 ms');
    expect(lines[0]).toContain('and 2 more socket(s)');
    expect(lines[0]).toContain('--skip-unresponsive');
  });

  it('--skip-unresponsive: all three left out, so no HAProxy answered (exit 5, "3 timed out after 50 ms")', async () => {
    const io = captureIo();
    expect(await run(['servers', '--timeout', '50', '--skip-unresponsive', '--socket-dir', dir], io)).toBe(5);
    expect(io.err()).toContain('3 timed out after 50 ms');
  });
});
