/** Shared plumbing of the runtime-API extras: run a line on processes, all-or-error. */
import { settle } from '../core/settle.js';
import { HAProxyError, NotFoundError } from '../errors.js';
import type { CallOptions, Executor, ProcessRef, Targets } from '../core/types.js';

/** One process's parsed value. */
export interface PerProcess<T> {
  readonly process: ProcessRef;
  readonly value: T;
}

/** Run `line` on `targets` and parse each reply; rejects unless every process succeeded. */
export async function runParsed<T>(
  executor: Executor,
  line: string,
  parse: (text: string) => T,
  options: CallOptions & { targets?: Targets; idempotent?: boolean; payload?: string | undefined } = {},
): Promise<PerProcess<T>[]> {
  const outcomes = await executor.run(line, {
    targets: options.targets ?? 'current',
    idempotent: options.idempotent ?? true,
    payload: options.payload,
    signal: options.signal,
    timeout: options.timeout,
  });
  const texts = settle(line, outcomes);
  return texts.map((text, index) => ({ process: outcomes[index]!.process, value: parse(text) }));
}

/** Validate the trailing `{ signal, timeout }` bag of a call. */
export function callOptions(options: CallOptions | undefined): CallOptions {
  return { signal: options?.signal, timeout: options?.timeout };
}

/**
 * Rethrow HAProxy's "does not exist" reply (`No such table`, …) as a {@link NotFoundError} when every
 * process said so; anything else unchanged.
 */
export function asNotFound(error: unknown, reply: RegExp, kind: string, name: string): never {
  if (
    HAProxyError.isInstance(error) &&
    error.code === 'HAPROXY_ERR_COMMAND' &&
    reply.test(String((error as HAProxyError & { response?: unknown }).response ?? ''))
  ) {
    throw new NotFoundError(kind, name, { cause: error });
  }
  throw error;
}
