import { AggregateProcessError } from '../errors.js';
import type { ProcessOutcome } from './types.js';

/**
 * Turn per-process outcomes into all-or-error: resolve with every value when every process
 * succeeded. When none succeeded and all failed alike (same error class and message), reject with
 * that error itself so callers can catch e.g. `CommandFailedError` directly; otherwise reject with
 * an {@link AggregateProcessError} carrying every outcome.
 */
export function settle<T>(command: string, outcomes: ReadonlyArray<ProcessOutcome<T>>): T[] {
  const values: T[] = [];
  let firstError: Error | undefined;
  let alike = true;
  let anyOk = false;
  for (const outcome of outcomes) {
    if (outcome.ok) {
      anyOk = true;
      values.push(outcome.value);
    } else if (!firstError) {
      firstError = outcome.error;
    } else if (outcome.error.name !== firstError.name || outcome.error.message !== firstError.message) {
      alike = false;
    }
  }
  if (!firstError) return values;
  if (!anyOk && alike) throw firstError;
  throw new AggregateProcessError(command, outcomes);
}
