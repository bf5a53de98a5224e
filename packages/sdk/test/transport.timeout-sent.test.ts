/**
 * A timed-out command says whether it had left: HAProxy may still run a command it received, so a
 * caller must read the value back before retrying a write (`SocketTimeoutError#sent`).
 */
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, SocketTimeoutError } from '../src/index.js';

describe('SocketTimeoutError#sent', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;
  beforeAll(async () => {
    cluster = await createFakeCluster({
      processes: 1,
      config: 'backend be\n    server s1 127.0.0.1:81 weight 10\n',
    });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir, retry: 0 });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });

  it('a write whose reply stalls: sent is true and the message says HAProxy may still run it', async () => {
    cluster.processes[0]!.inject({ kind: 'stall-mid-reply', afterBytes: 0, match: 'set weight' });
    const [outcome] = await hap.command('set weight be/s1 5', { timeout: 300 });
    expect(outcome!.ok).toBe(false);
    const error = (outcome as unknown as { error: SocketTimeoutError }).error;
    expect(error).toBeInstanceOf(SocketTimeoutError);
    expect(error.sent).toBe(true);
    expect(error.message).toMatch(/within 300 ms \(it was sent: HAProxy may still run it\)$/);
    // and here it did: the fake applied the write before stalling its reply
    expect(await cluster.processes[0]!.send('get weight be/s1')).toBe('5 (initial 10)\n\n');
  });

  it('a write that never left (the new connection is not answered): sent is false', async () => {
    const hung = await createFakeCluster({
      processes: 1,
      config: 'backend be\n    server s1 127.0.0.1:81 weight 10\n',
    });
    const client = await HAProxy.connect({ socketDir: hung.socketDir, retry: 0 });
    try {
      // the open connection is lost; the next one is accepted but its prompt handshake never answered
      hung.processes[0]!.inject({ kind: 'close-before-reply', match: 'show info' });
      await client.command('show info');
      hung.processes[0]!.inject({ kind: 'stall-mid-reply', afterBytes: 0, match: 'prompt', persist: true });
      const [outcome] = await client.command('set weight be/s1 7', { timeout: 300 });
      const error = (outcome as unknown as { error: SocketTimeoutError }).error;
      expect(error).toBeInstanceOf(SocketTimeoutError);
      expect(error.sent).toBe(false);
      expect(error.message).toMatch(/\(it was not sent\)$/);
      hung.processes[0]!.reset();
      expect(await hung.processes[0]!.send('get weight be/s1')).toBe('10 (initial 10)\n\n');
    } finally {
      await client.close();
      await hung.close();
    }
  });
});
