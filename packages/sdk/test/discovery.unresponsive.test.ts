/**
 * `socketDir` discovery and sockets that do not answer: a socket that accepts but stays silent (a
 * hung HAProxy) fails `connect` by default — otherwise writes would "succeed" without that process —
 * and is left out with `unresponsive: 'skip'`; stale socket files are always left out. Every skipped
 * socket is listed by `executor.skipped()`, with why. Fake cluster here, real HAProxy (SIGSTOP) below.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createFakeCluster, type FakeCluster, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { HAProxy, InvalidArgumentError, SocketTimeoutError } from '../src/index.js';
import { oneServerConfig } from './setup-haproxy.js';

const CONFIG = `backend be
    server s1 127.0.0.1:9 weight 10
`;

/** A Unix socket that accepts connections and never answers; `close()` drops its connections. */
async function silentSocket(path: string): Promise<{ close(): Promise<void> }> {
  const connections = new Set<Socket>();
  const server: NetServer = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    close: () => {
      for (const socket of connections) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A socket file nothing listens on: its process was killed (SIGKILL) and could not remove it. */
function staleSocket(path: string): void {
  spawnSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  if (!statSync(path).isSocket()) throw new Error(`no stale socket at ${path}`);
}

describe('socketDir with a socket that never answers (fake cluster)', () => {
  let cluster: FakeCluster;
  let silent: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 2, config: CONFIG });
    silent = await silentSocket(join(cluster.socketDir, 'zz-hung.sock'));
  });
  afterAll(async () => {
    await silent?.close();
    await cluster?.close();
  });

  it('default: connect rejects with SocketTimeoutError naming the silent socket', async () => {
    const error = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 1500 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SocketTimeoutError);
    const timeout = error as SocketTimeoutError;
    expect(timeout.endpoint).toBe(`unix://${join(cluster.socketDir, 'zz-hung.sock')}`);
    expect(timeout.message).toMatch(/did not answer "show info" within \d+ ms .*unresponsive: 'skip'/);
  });

  it("unresponsive: 'skip': connects to the others; skipped() says which socket and why", async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 1500, unresponsive: 'skip' });
    try {
      expect(await hap.processIds()).toHaveLength(2);
      const skipped = hap.executor.skipped?.() ?? [];
      expect(skipped.map(({ endpoint, reason }) => ({ endpoint, reason }))).toEqual([
        { endpoint: `unix://${join(cluster.socketDir, 'zz-hung.sock')}`, reason: 'timeout' },
      ]);
      expect(skipped[0]!.error).toBeInstanceOf(SocketTimeoutError);
    } finally {
      await hap.close();
    }
  });

  it('a bad unresponsive value is an InvalidArgumentError', async () => {
    await expect(
      HAProxy.connect({ socketDir: cluster.socketDir, unresponsive: 'ignore' as never }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('socketDir with a stale socket file (nothing listens)', () => {
  let cluster: FakeCluster;
  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 2, config: CONFIG });
    staleSocket(join(cluster.socketDir, 'stale.sock'));
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('is skipped (reason refused) without failing connect', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 1000 });
    try {
      expect(await hap.processIds()).toHaveLength(2);
      expect(hap.executor.skipped?.().map(({ reason }) => reason)).toEqual(['refused']);
    } finally {
      await hap.close();
    }
  });
});

describeWithHAProxy('socketDir with a stopped (SIGSTOP) real HAProxy 2.6', () => {
  test('connect fails naming it; with skip the others are written and it is left as it was', async () => {
    const config = oneServerConfig('${dir}/haproxy-${index}.sock');
    const fleet = await startHAProxy({ processes: 3, config });
    const stopped = fleet.processes[2]!;
    process.kill(stopped.pid, 'SIGSTOP');
    try {
      const error = await HAProxy.connect({ socketDir: fleet.dir, timeout: 2000 }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SocketTimeoutError);
      expect((error as SocketTimeoutError).endpoint).toBe(`unix://${join(fleet.dir, 'haproxy-3.sock')}`);

      const hap = await HAProxy.connect({ socketDir: fleet.dir, timeout: 2000, unresponsive: 'skip' });
      try {
        expect(await hap.processIds()).toHaveLength(2);
        expect(hap.executor.skipped?.().map(({ reason }) => reason)).toEqual(['timeout']);
        // With 'skip' the user chose to write without it: the two others change, it does not.
        const [server] = await hap.servers({ backend: 'be' });
        await server!.setWeight(42);
        for (const index of [1, 2]) {
          expect(await sendRaw(join(fleet.dir, `haproxy-${index}.sock`), 'get weight be/s1')).toBe(
            '42 (initial 10)\n\n',
          );
        }
      } finally {
        await hap.close();
      }
    } finally {
      process.kill(stopped.pid, 'SIGCONT');
    }
    // After SIGCONT it answers again, and nothing was changed on it.
    expect(await sendRaw(join(fleet.dir, 'haproxy-3.sock'), 'get weight be/s1')).toBe('10 (initial 10)\n\n');
    await fleet.stop();
  });
});
