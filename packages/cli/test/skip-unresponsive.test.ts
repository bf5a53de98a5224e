/**
 * A socket folder with a hung process: hapctl refuses to work without it (exit 5) unless
 * `--skip-unresponsive` (or HAPCTL_SKIP_UNRESPONSIVE=1) says to; every socket left out that may be
 * a missing process is named in a warning on stderr, stale socket files included.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('--skip-unresponsive and warnings for sockets left out', () => {
  let cluster: FakeCluster;
  let hung: Server;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    cluster = await createFakeCluster({
      processes: 2,
      config: 'backend be\n    server s1 127.0.0.1:81 weight 10\n',
    });
    hung = createServer((socket) => accepted.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(join(cluster.socketDir, 'haproxy-3.sock'), resolve));
    // A socket file whose process was killed: nothing listens on it.
    const stale = join(cluster.socketDir, 'haproxy-9.sock');
    spawnSync(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(statSync(stale).isSocket()).toBe(true);
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => hung?.close(resolve));
    await cluster?.close();
  });

  it('by default a write is refused before anything is sent (exit 5), naming the hung socket', async () => {
    const io = captureIo();
    const code = await run(
      ['server', 'set-weight', 'be/s1', '20', '--timeout', '1s', '--socket-dir', cluster.socketDir],
      io,
    );
    expect(code, io.err()).toBe(5);
    expect(io.err()).toMatch(
      /SocketTimeoutError: unix:\/\/.*haproxy-3\.sock: accepted the connection but did not answer/,
    );
    for (const fake of cluster.processes)
      expect(await fake.send('get weight be/s1')).toBe('10 (initial 10)\n\n');
  });

  it('--skip-unresponsive: the others are written; warnings name the hung and the stale socket', async () => {
    const io = captureIo();
    const code = await run(
      [
        'server',
        'set-weight',
        'be/s1',
        '20',
        '--timeout',
        '1s',
        '--skip-unresponsive',
        '--socket-dir',
        cluster.socketDir,
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    const warnings = io.err().trimEnd().split('\n');
    expect(warnings).toEqual([
      expect.stringMatching(
        /^hapctl: warning: left out unix:\/\/.*haproxy-3\.sock: it did not answer in time \(--skip-unresponsive\)$/,
      ),
      expect.stringMatching(
        /^hapctl: warning: left out unix:\/\/.*haproxy-9\.sock: nothing listens on it \(a stale socket file\?\)$/,
      ),
    ]);
    for (const fake of cluster.processes)
      expect(await fake.send('get weight be/s1')).toBe('20 (initial 10)\n\n');
  });

  it('HAPCTL_SKIP_UNRESPONSIVE=1 does the same', async () => {
    const io = captureIo({
      env: { HAPCTL_SKIP_UNRESPONSIVE: '1', HAPCTL_SOCKET_DIR: cluster.socketDir, HAPCTL_TIMEOUT: '1s' },
    });
    expect(await run(['servers', '--json'], io), io.err()).toBe(0);
    expect(io.err()).toContain('haproxy-3.sock: it did not answer in time');
  });
});
