import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtocolError } from '@haproxyadmin/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import {
  ClientClosedError,
  CommandFailedError,
  SocketApplicationError,
  SocketConnectionError,
  SocketPermissionError,
  SocketTimeoutError,
  SocketTransportError,
} from '../src/errors.js';
import { retry, timeout, unixTransport, withInterceptors } from '../src/transport/index.js';
import { toSocketError } from '../src/transport/socket-errors.js';
import { type FakeCli, fakeCli, info, sleep, staleSocket, tempDir } from './transport.helpers.js';

let dir: string;
let remove: () => void;
const fakes: FakeCli[] = [];
const start = async (...args: Parameters<typeof fakeCli>) => {
  const fake = await fakeCli(...args);
  fakes.push(fake);
  return fake;
};

beforeEach(() => {
  ({ dir, remove } = tempDir());
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  remove();
});

/** Time a promise that must reject; returns the error and the elapsed ms. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const begin = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - begin };
  }
  throw new Error('expected a rejection');
}

const client = (path: string, ms = 300, retries = 0) =>
  withInterceptors(unixTransport({ path }), [timeout({ ms }), retry({ retries, interval: 10 })]);

describe('transport faults (ad-hoc servers)', () => {
  it('a silent server times out within the budget (SocketTimeoutError naming the endpoint)', async () => {
    const path = join(dir, 'silent.sock');
    await start(path, () => undefined, { greet: false });
    const transport = client(path, 250);
    const { error, ms } = await rejection(transport.send({ line: 'show info' }));
    expect(error).toBeInstanceOf(SocketTimeoutError);
    expect((error as SocketTimeoutError).endpoint).toBe(`unix://${path}`);
    expect((error as SocketTimeoutError).timeout).toBe(250);
    expect(ms).toBeGreaterThanOrEqual(240);
    expect(ms).toBeLessThan(1000); // the budget plus room for a busy machine's timer lag
    await transport.close();
  });

  it('a peer that greets with garbage is SocketApplicationError, at once', async () => {
    const path = join(dir, 'http.sock');
    const fake = await start(path, () => undefined, { greet: false });
    fake.server.on('connection', (socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const transport = client(path, 2000);
    const { error, ms } = await rejection(transport.send({ line: 'show info' }));
    expect(error).toBeInstanceOf(SocketApplicationError);
    expect((error as Error).message).toContain(`unix://${path}`);
    expect(ms).toBeLessThan(1500); // not the 2 s budget
    await transport.close();
  });

  it('a master CLI given as a stats socket is recognised', async () => {
    const path = join(dir, 'master.sock');
    const fake = await start(path, () => undefined, { greet: false });
    fake.server.on('connection', (socket) => socket.once('data', () => socket.write('master> ')));
    const { error } = await rejection(client(path, 2000).send({ line: 'show info' }));
    expect(error).toBeInstanceOf(SocketApplicationError);
    expect((error as Error).message).toMatch(/master CLI/);
  });

  it('a close in the middle of a reply is SocketTransportError (cause ProtocolError), never partial data', async () => {
    const path = join(dir, 'cut.sock');
    await start(path, (line, socket) => {
      if (line === 'show stat') {
        socket.end('# pxname,svname,qcur\nbe_app,s1,0\nbe_a');
        return undefined;
      }
      return '\n';
    });
    const transport = client(path, 2000);
    const { error } = await rejection(transport.send({ line: 'show stat' }));
    expect(error).toBeInstanceOf(SocketTransportError);
    expect((error as Error).cause).toBeInstanceOf(ProtocolError);
    await transport.close();
  });

  it('a stall in the middle of a reply times out and the connection is discarded', async () => {
    const path = join(dir, 'stall.sock');
    const fake = await start(path, (line, socket) => {
      if (line === 'show stat') {
        socket.write('# pxname,svname\nbe_app,s1\n'); // …and nothing more
        return undefined;
      }
      return 'admin\n\n';
    });
    const transport = client(path, 300);
    const { error, ms } = await rejection(transport.send({ line: 'show stat', idempotent: true }));
    expect(error).toBeInstanceOf(SocketTimeoutError);
    expect(ms).toBeLessThan(1200); // one 300 ms budget, not a retry, with room for timer lag
    // The next request gets a fresh connection and a correct reply, not the stalled dump's tail.
    const reply = await transport.send({ line: 'show cli level' });
    expect(reply.text).toBe('admin\n\n');
    expect(fake.connections).toBe(2);
    await transport.close();
  });

  it('a slow reply that completes in time succeeds (the budget is total, not per read)', async () => {
    const path = join(dir, 'slow.sock');
    await start(path, async (_line, socket) => {
      for (const part of ['# pxname', ',svname\n', 'be_app,s1\n', '\n']) {
        socket.write(part);
        await sleep(60);
      }
      return '';
    });
    const transport = client(path, 1000);
    const reply = await transport.send({ line: 'show stat' });
    expect(reply.text).toBe('# pxname,svname\nbe_app,s1\n\n');
    await transport.close();
  });

  it('the budget is total: many slow chunks past the deadline time out', async () => {
    const path = join(dir, 'trickle.sock');
    await start(path, async (_line, socket) => {
      for (let index = 0; index < 20 && !socket.destroyed; index++) {
        socket.write('x,');
        await sleep(50);
      }
      return '\n\n';
    });
    const { error, ms } = await rejection(client(path, 300).send({ line: 'show stat' }));
    expect(error).toBeInstanceOf(SocketTimeoutError);
    expect(ms).toBeLessThan(950); // before the ~1 s trickle would have ended
  });

  it('a stale socket file is SocketConnectionError (ECONNREFUSED)', async () => {
    const path = join(dir, 'stale.sock');
    staleSocket(path);
    const { error, ms } = await rejection(client(path).send({ line: 'show info' }));
    expect(error).toBeInstanceOf(SocketConnectionError);
    expect((error as SocketConnectionError).errno).toBe('ECONNREFUSED');
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(ms).toBeLessThan(1000); // at once (generous for a busy machine), no waiting on retries
  });

  it('a missing path is SocketConnectionError (ENOENT)', async () => {
    const path = join(dir, 'missing.sock');
    const { error } = await rejection(client(path).send({ line: 'show info' }));
    expect(error).toBeInstanceOf(SocketConnectionError);
    expect((error as SocketConnectionError).errno).toBe('ENOENT');
    expect((error as SocketConnectionError).endpoint).toBe(`unix://${path}`);
  });

  it('EACCES/EPERM map to SocketPermissionError with the errno cause', () => {
    const cause = Object.assign(new Error('connect EACCES /run/x.sock'), { code: 'EACCES' });
    const error = toSocketError(cause, 'unix:///run/x.sock', 'connect');
    expect(error).toBeInstanceOf(SocketPermissionError);
    expect(error.errno).toBe('EACCES');
    expect(error.cause).toBe(cause);
  });

  it('a write whose reply was lost is never sent again (SocketTransportError)', async () => {
    const path = join(dir, 'lost.sock');
    const fake = await start(path, (_line, socket) => {
      socket.destroy(); // read the command, then vanish without a reply
      return undefined;
    });
    const transport = client(path, 2000, 3);
    const { error } = await rejection(transport.send({ line: 'set weight be_app/s1 0' }));
    expect(error).toBeInstanceOf(SocketTransportError);
    expect(fake.lines).toEqual(['set weight be_app/s1 0']);
    await transport.close();
  });

  it('an idempotent command whose reply was lost is retried with backoff', async () => {
    const path = join(dir, 'flaky.sock');
    let calls = 0;
    const fake = await start(path, (_line, socket) => {
      if (++calls === 1) {
        socket.destroy();
        return undefined;
      }
      return '7 (initial 7)\n\n';
    });
    const transport = client(path, 2000, 2);
    const reply = await transport.send({ line: 'get weight be_app/s1', idempotent: true });
    expect(reply.text).toBe('7 (initial 7)\n\n');
    expect(fake.lines).toEqual(['get weight be_app/s1', 'get weight be_app/s1']);
    await transport.close();
  });

  it('retry: 0 means a single attempt, even for reads', async () => {
    const path = join(dir, 'once.sock');
    const fake = await start(path, (_line, socket) => {
      socket.destroy();
      return undefined;
    });
    const { error } = await rejection(client(path, 2000, 0).send({ line: 'show info', idempotent: true }));
    expect(error).toBeInstanceOf(SocketTransportError);
    expect(fake.lines).toHaveLength(1);
  });

  it('an AbortSignal rejects with its reason; the connection stays usable', async () => {
    const path = join(dir, 'abort.sock');
    await start(path, async (line) => {
      if (line === 'slow') await sleep(1000);
      return `${line}\n\n`;
    });
    const transport = client(path, 5000);
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const pending = transport.send({ line: 'slow', signal: controller.signal });
    await sleep(50);
    const aborted = performance.now();
    controller.abort(reason);
    const { error } = await rejection(pending);
    expect(error).toBe(reason);
    // at once, long before the 1 s reply (measured from the abort, with room for timer lag)
    expect(performance.now() - aborted).toBeLessThan(500);
    // The late reply to `slow` is dropped, the next one is matched correctly.
    expect((await transport.send({ line: 'fast' })).text).toBe('fast\n\n');
    await transport.close();
  });

  it('pipelines: many requests in flight on one connection, replies matched in order', async () => {
    const path = join(dir, 'pipe.sock');
    const fake = await start(path, async (line) => {
      if (line.endsWith('7')) await sleep(5);
      return `${line}\n\n`;
    });
    const transport = client(path, 5000);
    const lines = Array.from({ length: 500 }, (_, index) => `echo ${index}`);
    const replies = await Promise.all(lines.map((line) => transport.send({ line })));
    expect(replies.map((reply) => reply.text)).toEqual(lines.map((line) => `${line}\n\n`));
    expect(fake.connections).toBe(1);
    await transport.close();
  });

  it('reconnects transparently after the server closed an idle connection', async () => {
    const path = join(dir, 'idle.sock');
    const fake = await start(path, (line, socket) => {
      setTimeout(() => socket.end(), 50); // like `stats timeout`: close when idle
      return `${line}\n\n`;
    });
    const transport = client(path, 2000, 0);
    expect((await transport.send({ line: 'set weight a/b 1' })).text).toBe('set weight a/b 1\n\n');
    await sleep(150);
    // Not idempotent, no retries: it still works because nothing was lost.
    expect((await transport.send({ line: 'set weight a/b 2' })).text).toBe('set weight a/b 2\n\n');
    expect(fake.connections).toBe(2);
    await transport.close();
  });

  it('a reply nobody asked for is a protocol violation', async () => {
    const path = join(dir, 'extra.sock');
    await start(path, (line) => `${line}\n\n> bonus\n\n`);
    const transport = client(path, 1000);
    const first = await transport.send({ line: 'a' }).catch((error: unknown) => error);
    // The first reply may arrive before the extra one is seen: either way the next call must not get "bonus".
    if (!(first instanceof Error)) expect((first as { text: string }).text).toBe('a\n\n');
    const second = await transport.send({ line: 'b' }).catch((error: unknown) => error);
    if (!(second instanceof Error)) expect((second as { text: string }).text).toBe('b\n\n');
    await transport.close();
  });

  it('calls after close reject with ClientClosedError', async () => {
    const path = join(dir, 'closed.sock');
    await start(path, (line) => `${line}\n\n`);
    const transport = unixTransport({ path });
    await transport.send({ line: 'x' });
    await transport.close();
    await transport.close();
    await expect(transport.send({ line: 'x' })).rejects.toBeInstanceOf(ClientClosedError);
  });
});

describe('discovery in a socket folder with strangers (ad-hoc servers)', () => {
  it('skips non-sockets, silent and garbage sockets and stale files without stalling; dedupes symlinks', async () => {
    const good = await start(join(dir, 'good.sock'), (line) =>
      line === 'show info' ? info(4242) : line === 'show cli level' ? 'admin\n\n' : '\n',
    );
    await start(join(dir, 'silent.sock'), () => undefined, { greet: false });
    const garbage = await start(join(dir, 'garbage.sock'), () => undefined, { greet: false });
    garbage.server.on('connection', (socket) => socket.write('SSH-2.0-OpenSSH_9.2\r\n'));
    staleSocket(join(dir, 'stale.sock'));
    writeFileSync(join(dir, 'notes.txt'), 'not a socket');
    symlinkSync(join(dir, 'good.sock'), join(dir, 'zz-link.sock'));
    const begin = performance.now();
    // A silent socket fails connect by default (see discovery.unresponsive.test.ts); skip it here.
    const executor = await createExecutor({ socketDir: dir, timeout: 800, retry: 0, unresponsive: 'skip' });
    const elapsed = performance.now() - begin;
    try {
      const processes = await executor.processes();
      expect(processes.map((process) => process.pid)).toEqual([4242]);
      expect(processes[0]!.endpoint).toBe(`unix://${join(dir, 'good.sock')}`);
      expect(elapsed).toBeLessThan(3000); // bounded by the 800 ms budget, with room for a busy machine
      expect(good.connections).toBe(1);
      expect(
        executor
          .skipped?.()
          .map(({ endpoint, reason }) => `${endpoint.slice(endpoint.lastIndexOf('/') + 1)} ${reason}`),
      ).toEqual(['garbage.sock not-haproxy', 'silent.sock timeout', 'stale.sock refused']);
      const [outcome] = await executor.run('show info');
      expect(outcome!.ok && outcome!.value).toContain('Pid: 4242');
    } finally {
      await executor.close();
    }
  });

  it('two sockets of one process count once (best level kept); equal pids in other namespaces do not', async () => {
    const answer = (pid: number, start: number, level: string) => (line: string) =>
      line === 'show info' ? info(pid, start) : line === 'show cli level' ? `${level}\n\n` : '\n';
    await start(join(dir, 'a-user.sock'), answer(1, 100, 'user'));
    await start(join(dir, 'b-admin.sock'), answer(1, 100, 'admin'));
    await start(join(dir, 'c-container.sock'), answer(1, 200, 'admin'));
    const executor = await createExecutor({ socketDir: dir });
    try {
      const processes = await executor.processes();
      expect(processes.map((process) => process.endpoint)).toEqual([
        `unix://${join(dir, 'b-admin.sock')}`,
        `unix://${join(dir, 'c-container.sock')}`,
      ]);
    } finally {
      await executor.close();
    }
  });

  it('fails clearly when no HAProxy answers in the folder', async () => {
    staleSocket(join(dir, 'stale.sock'));
    await expect(createExecutor({ socketDir: dir, timeout: 300 })).rejects.toBeInstanceOf(
      SocketConnectionError,
    );
  });

  it('fans out with a concurrency limit and returns outcomes in process order', async () => {
    let active = 0;
    let peak = 0;
    for (let index = 0; index < 6; index++) {
      await start(join(dir, `p${index}.sock`), async (line) => {
        if (line === 'show info') return info(1000 + index);
        if (line === 'show cli level') return 'admin\n\n';
        active++;
        peak = Math.max(peak, active);
        await sleep(30);
        active--;
        return `${index}\n\n`;
      });
    }
    const executor = await createExecutor({ socketDir: dir, concurrency: 2 });
    try {
      const outcomes = await executor.run('show version');
      expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual([
        '0\n',
        '1\n',
        '2\n',
        '3\n',
        '4\n',
        '5\n',
      ]);
      expect(peak).toBe(2);
      // a per-process failure is an outcome, not a rejection
      await fakes[2]!.close();
      const after = await executor.run('show version', { timeout: 500 });
      expect(after.filter((outcome) => !outcome.ok)).toHaveLength(1);
      expect(!after[2]!.ok && after[2]!.error).toBeInstanceOf(SocketConnectionError);
      const controller = new AbortController();
      const aborted = executor.run('show version', { signal: controller.signal });
      controller.abort(new Error('stop'));
      await expect(aborted).rejects.toThrow('stop');
    } finally {
      await executor.close();
    }
    await expect(executor.run('show version')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('classifies error replies of ad-hoc servers as CommandFailedError outcomes', async () => {
    await start(join(dir, 'a.sock'), (line) =>
      line === 'show info' ? info(1) : line === 'show cli level' ? 'admin\n\n' : '[3]: No such backend.\n\n',
    );
    const executor = await createExecutor({ socketDir: dir });
    try {
      const [outcome] = await executor.run('get weight nope/s1');
      expect(!outcome!.ok && outcome!.error).toBeInstanceOf(CommandFailedError);
    } finally {
      await executor.close();
    }
  });
});
