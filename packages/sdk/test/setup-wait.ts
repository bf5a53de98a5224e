/**
 * Waiting for conditions instead of sleeping: CI runs the suite once on a small, possibly loaded
 * machine, where a fixed sleep or a tight deadline is a coin toss. Poll with a generous deadline;
 * a condition that never holds still fails the test, with the last value seen.
 */

import { readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Give up after this many ms (default 15 s: far longer than a healthy run ever needs). */
  timeout?: number;
  /** Time between two probes in ms (default 25). */
  interval?: number;
  /** What was awaited, for the error message. */
  what?: string;
}

/**
 * Probe until it returns something other than `undefined` or `false` and return that. A probe
 * that throws counts as "not yet"; its last error is reported when the deadline passes.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeout = 15_000, interval = 25, what = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`${what} not met within ${timeout} ms (last: ${detail})`);
    }
    await sleep(interval);
  }
}

/** `promise`, or a rejection naming `what` when it has not settled within `timeout` ms (15 s by default). */
export async function within<T>(promise: Promise<T>, what: string, timeout = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not within ${timeout} ms`)), timeout);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether process `pid` has exited (gone, or a zombie nobody reaped yet). Linux `/proc`. */
export function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
