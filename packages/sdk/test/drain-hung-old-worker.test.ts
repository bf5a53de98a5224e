/**
 * An old worker whose dump fails is counted as "no sessions" only when it is really gone (refused,
 * no longer listed): one that does not answer in time (hung, SIGSTOP) may still hold its sessions,
 * so the drain stops with DrainInterruptedError instead of reporting `drained` and setting MAINT.
 */
import { describe, expect, it } from 'vitest';
import { DrainInterruptedError, HAProxy, SocketConnectionError, SocketTimeoutError } from '../src/index.js';
import { capturedRows, col, createTestExecutor, makeProcess, responder } from './model-helpers.js';

/** Two current workers with no session on be_app/s1, and an old worker holding 2 — whose later dumps fail with `failure`. */
function withOldWorker(failure: () => Error) {
  const processes = [makeProcess(0), makeProcess(1), makeProcess(2, false)];
  let oldDumps = 0;
  const base = responder((index) => {
    const rows = capturedRows();
    const s1 = rows.find((row) => row[0] === 'be_app' && row[1] === 's1')!;
    s1[col('scur')] = index === 2 ? '2' : '0';
    return rows;
  });
  return createTestExecutor(processes, (line, process, index) => {
    if (index === 2 && line.startsWith('show stat') && ++oldDumps > 2) return failure(); // the lookup and the first count answer
    return base(line, process, index);
  });
}

describe('drain() and an old worker whose dump fails', () => {
  it('hung (timeout): DrainInterruptedError, no MAINT sent', async () => {
    const executor = withOldWorker(
      () => new SocketTimeoutError('no complete reply to "show stat" within 50 ms', 'unix:///old.sock', 50),
    );
    const hap = await HAProxy.connect({ executor });
    const [s1] = await hap.server('s1', { backend: 'be_app' });
    const error = await s1!.drain({ timeout: 5000, pollInterval: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DrainInterruptedError);
    expect((error as DrainInterruptedError).lastProgress?.sessions).toBe(2);
    expect(executor.calls.map((call) => call.line)).not.toContain('set server be_app/s1 state maint');
  });

  it('gone (connection refused): its sessions are over, the drain completes', async () => {
    const executor = withOldWorker(() => new SocketConnectionError('connection refused', 'unix:///old.sock'));
    const hap = await HAProxy.connect({ executor });
    const [s1] = await hap.server('s1', { backend: 'be_app' });
    const result = await s1!.drain({ timeout: 5000, pollInterval: 10 });
    expect(result).toMatchObject({ drained: true, remainingSessions: 0 });
    expect(executor.calls.map((call) => call.line)).toContain('set server be_app/s1 state maint');
  });
});
