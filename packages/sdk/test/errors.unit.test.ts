/**
 * The messages of the multi-process errors: what a user reads in a log or on hapctl's stderr.
 */
import { describe, expect, it } from 'vitest';
import type { ProcessOutcome, ProcessRef } from '../src/index.js';
import {
  AggregateProcessError,
  CommandFailedError,
  InconsistentDataError,
  RolledBackError,
  SocketTimeoutError,
} from '../src/index.js';

const process = (n: number): ProcessRef =>
  ({
    key: `unix:///run/h${n}.sock`,
    endpoint: `unix:///run/h${n}.sock`,
    pid: 100 + n,
    role: 'standalone',
    current: true,
  }) as ProcessRef;
const ok = (n: number): ProcessOutcome<unknown> =>
  ({ ok: true, process: process(n), value: '' }) as ProcessOutcome<unknown>;
const failed = (n: number, error: Error): ProcessOutcome<unknown> =>
  ({ ok: false, process: process(n), error }) as ProcessOutcome<unknown>;

describe('AggregateProcessError messages', () => {
  it('some processes failed: "on N of M processes", the first reason with its endpoint once', () => {
    const error = new AggregateProcessError('set weight be/s1 10', [
      ok(1),
      failed(2, new CommandFailedError('set weight be/s1 10', 'No such server.')),
      ok(3),
    ]);
    expect(error.message).toBe(
      '"set weight be/s1 10" failed on 1 of 3 processes: unix:///run/h2.sock: HAProxy rejected "set weight be/s1 10": No such server.',
    );
    expect(error.code).toBe('HAPROXY_ERR_PARTIAL');
  });

  it('every process failed: says so; a socket error names its endpoint once', () => {
    const timeout = (n: number) =>
      new SocketTimeoutError('no complete reply to "show info" within 1 ms', process(n).endpoint, 1);
    const error = new AggregateProcessError('show info', [
      failed(1, timeout(1)),
      failed(2, timeout(2)),
      failed(3, timeout(3)),
    ]);
    expect(error.message).toBe(
      '"show info" failed on every process (3): unix:///run/h1.sock: no complete reply to "show info" within 1 ms (and others)',
    );
    expect(error.message.match(/unix:\/\/\/run\/h1\.sock/g)).toHaveLength(1);
  });

  it('one process: "on 1 of 1 process"', () => {
    const error = new AggregateProcessError('show info', [failed(1, new Error('boom'))]);
    expect(error.message).toBe('"show info" failed on 1 of 1 process: unix:///run/h1.sock: boom');
  });

  it('RolledBackError adds that nothing changed', () => {
    const error = new RolledBackError('add server be/x 10.0.0.1', [
      ok(1),
      failed(2, new Error('Out of memory.')),
    ]);
    expect(error.message).toBe(
      '"add server be/x 10.0.0.1" failed on 1 of 2 processes: unix:///run/h2.sock: Out of memory; undone on the other 1: nothing changed',
    );
    expect(error.rolledBack).toEqual([process(1)]);
  });
});

describe('InconsistentDataError messages', () => {
  it('objects and arrays are shown as JSON, never [object Object]; long ones are cut', () => {
    const error = new InconsistentDataError('show acl', [
      { process: process(1), value: [{ ref: '0x1', value: '/admin' }] },
      { process: process(2), value: [] },
      {
        process: process(3),
        value: Array.from({ length: 50 }, (_, i) => ({ ref: `0x${i}`, value: `/p${i}` })),
      },
    ]);
    expect(error.message).not.toContain('[object Object]');
    expect(error.message).toContain('unix:///run/h1.sock=[{"ref":"0x1","value":"/admin"}]');
    expect(error.message).toContain('unix:///run/h2.sock=[]');
    const third = error.message.split('unix:///run/h3.sock=')[1]!;
    expect(third.length).toBe(120);
    expect(third.endsWith('…')).toBe(true);
  });

  it('a process with no value at that place says (missing), not undefined', () => {
    const error = new InconsistentDataError('show acl: entry 3', [
      { process: process(1), value: '/only1' },
      { process: process(2), value: undefined },
    ]);
    expect(error.message).toBe(
      'processes disagree on show acl: entry 3: unix:///run/h1.sock=/only1, unix:///run/h2.sock=(missing)',
    );
  });

  it('plain values stay as they are; bigints are shown as numbers', () => {
    const error = new InconsistentDataError('weight', [
      { process: process(1), value: 10 },
      { process: process(2), value: 'MAINT' },
      { process: process(3), value: { total: 2n ** 64n } },
    ]);
    expect(error.message).toBe(
      'processes disagree on weight: unix:///run/h1.sock=10, unix:///run/h2.sock=MAINT, unix:///run/h3.sock={"total":"18446744073709551616"}',
    );
  });
});
