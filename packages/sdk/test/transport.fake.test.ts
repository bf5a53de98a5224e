import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import type { Executor } from '../src/core/types.js';
import {
  PermissionDeniedError,
  ProtocolError,
  SocketTimeoutError,
  SocketTransportError,
} from '../src/errors.js';

const CONFIG = `defaults
    mode http
backend be_app
    server s1 127.0.0.1:8081 weight 10
    server s2 127.0.0.1:8082 weight 20
`;

describe('executor against the fake HAProxy cluster (fault injection)', () => {
  let cluster: FakeCluster;
  let executor: Executor;
  beforeEach(async () => {
    cluster = await createFakeCluster({ processes: 4, config: CONFIG });
    executor = await createExecutor({ socketDir: cluster.socketDir, timeout: 500, retry: 0 });
  });
  afterEach(async () => {
    await executor?.close();
    await cluster?.close();
  });

  it('discovers the 4 processes by pid and fans out', async () => {
    const processes = await executor.processes();
    expect(processes.map((process) => process.pid).sort()).toEqual(
      cluster.processes.map((process) => process.pid).sort(),
    );
    const outcomes = await executor.run('get weight be_app/s2');
    expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual(
      Array(4).fill('20 (initial 20)\n'),
    );
  });

  it('one faulty process fails alone, with the right error, and never reuses its broken connection', async () => {
    const cases = [
      { fault: { kind: 'close-mid-reply', afterBytes: 5 } as const, error: SocketTransportError },
      { fault: { kind: 'stall-mid-reply', afterBytes: 5 } as const, error: SocketTimeoutError },
      { fault: { kind: 'permission-denied' } as const, error: PermissionDeniedError },
    ];
    for (const { fault, error } of cases) {
      cluster.processes[1]!.inject({ ...fault, match: 'show info' });
      const outcomes = await executor.run('show info');
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(3);
      const failed = outcomes[1]!;
      expect(failed.ok).toBe(false);
      if (!failed.ok) expect(failed.error).toBeInstanceOf(error);
      // the next call on that process is answered correctly
      const again = await executor.run('get weight be_app/s1');
      expect(again.map((outcome) => outcome.ok && outcome.value)).toEqual(Array(4).fill('10 (initial 10)\n'));
    }
  });

  it('garbage in a reply is a protocol or transport error, never data', async () => {
    cluster.processes[2]!.inject({ kind: 'garbage-reply', match: 'show info', text: '> \u0000\u0001> ' });
    const outcomes = await executor.run('show info');
    const failed = outcomes[2]!;
    if (!failed.ok) {
      expect(
        failed.error instanceof ProtocolError ||
          failed.error instanceof SocketTransportError ||
          failed.error instanceof SocketTimeoutError,
      ).toBe(true);
    } else {
      expect(failed.value).toMatch(/^Name: HAProxy/);
    }
    const again = await executor.run('get weight be_app/s1');
    expect(again.every((outcome) => outcome.ok)).toBe(true);
  });

  it('a reply delivered byte by byte is reassembled exactly', async () => {
    const [reference] = await executor.run('show servers state', {
      targets: [(await executor.processes())[0]!],
    });
    cluster.processes[0]!.inject({ kind: 'chunked-reply', chunkSize: 1, match: 'show servers state' });
    const [chunked] = await executor.run('show servers state', {
      targets: [(await executor.processes())[0]!],
      timeout: 5000,
    });
    expect(chunked!.ok && reference!.ok).toBe(true);
    if (chunked!.ok && reference!.ok) expect(chunked!.value).toBe(reference!.value);
  });
});
