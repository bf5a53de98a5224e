/**
 * `maxReplyLength`: a reply longer than the cap fails its call with ProtocolError (typed, not a
 * RangeError or an out-of-memory crash) and the client keeps working; a peer that streams without
 * end is cut at the cap instead of being buffered until the timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError, ProtocolError, unixTransport } from '../src/index.js';

describe('maxReplyLength', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;
  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 1, config: 'backend be\n    server s1 127.0.0.1:81\n' });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir, maxReplyLength: 100_000 });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });

  it('a reply over the cap is a ProtocolError for that call; the next call works', async () => {
    cluster.processes[0]!.inject({
      kind: 'reply',
      text: `${'x'.repeat(150_000)}\n\n`,
      match: 'show version',
    });
    const [outcome] = await hap.command('show version');
    expect(outcome!.ok).toBe(false);
    expect(!outcome!.ok && outcome!.error).toBeInstanceOf(ProtocolError);
    expect(!outcome!.ok && outcome!.error.message).toMatch(
      /^unix:\/\/.*haproxy\.sock: reply longer than 100000 characters \(maxReplyLength\)$/,
    );
    expect(await hap.version()).toMatch(/^2\.6\./);
  });

  it('under the cap is fine', async () => {
    cluster.processes[0]!.inject({ kind: 'reply', text: `${'y'.repeat(90_000)}\n\n`, match: 'show version' });
    const [outcome] = await hap.command('show version');
    expect(outcome!.ok && outcome!.value.length).toBe(90_001);
  });

  it('a one-shot command (chained with ;) is capped too', async () => {
    cluster.processes[0]!.inject({
      kind: 'reply',
      text: `${'z'.repeat(150_000)}\n\n`,
      match: 'show version',
    });
    const [outcome] = await hap.command('show version;show version');
    expect(!outcome!.ok && outcome!.error).toBeInstanceOf(ProtocolError);
    expect(!outcome!.ok && outcome!.error.message).toMatch(
      /reply longer than 100000 characters \(maxReplyLength\)/,
    );
  });

  it('a cap smaller than show info: connect says the replies were too long, not "not HAProxy"', async () => {
    const error = await HAProxy.connect({ socketDir: cluster.socketDir, maxReplyLength: 100 }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toMatch(/1 socket\(s\) tried: 1 failed/);
    expect(error?.message).not.toMatch(/not HAProxy/);
    expect((error?.cause as Error | undefined)?.message).toMatch(
      /reply longer than 100 characters \(maxReplyLength\)/,
    );
  });

  it('a bad cap is an InvalidArgumentError', () => {
    expect(() => unixTransport({ path: '/nonexistent.sock', maxReplyLength: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => unixTransport({ path: '/nonexistent.sock', maxReplyLength: Number.NaN })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('a peer that streams without end', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let path: string;
  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'max-reply-')), 'endless.sock');
    const chunk = 'a'.repeat(64 * 1024);
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      // answer the prompt handshake like HAProxy, then one endless reply
      let seen = '';
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk)) {}
        if (!socket.destroyed) socket.once('drain', pump);
      };
      socket.on('data', (data) => {
        const before = seen.length;
        seen += data.toString();
        // `prompt` and `set severity-output number` answered like HAProxy, then the command's endless reply
        if (before === 0) socket.write('\n> \n> ');
        if (seen.includes('show info')) pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is cut at the cap with a ProtocolError long before the timeout', async () => {
    const transport = unixTransport({ path, maxReplyLength: 2_000_000 });
    const started = performance.now();
    try {
      const error = await transport
        .send({ line: 'show info', timeout: 30_000 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(/reply longer than 2000000 characters/);
    } finally {
      await transport.close();
    }
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
