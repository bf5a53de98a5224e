import { CommandFailedError } from '@haproxyadmin/protocol';
import type { ProcessOutcome, ProcessRef } from '../core/types.js';
import { InconsistentDataError } from '../errors.js';
import type { ProcessValue } from './types.js';

/**
 * For writes that answer nothing on success (`add acl`, `set map`, `clear table`…): accept an empty
 * reply and turn any text into a `CommandFailedError`, so an error message is never taken for data.
 *
 * @throws {CommandFailedError}
 */
export function expectEmptyReply(reply: string, line: string): void {
  if (reply.trim() !== '') throw new CommandFailedError(line, reply);
}

/**
 * Run `step` for each process in parallel and collect one outcome per process, failures included
 * (for multi-step commands that talk to each process separately, e.g. with per-process versions).
 */
export async function forEachProcess<T>(
  processes: readonly ProcessRef[],
  step: (process: ProcessRef) => Promise<T>,
): Promise<ProcessOutcome<T>[]> {
  return Promise.all(
    processes.map(async (process): Promise<ProcessOutcome<T>> => {
      try {
        return { process, ok: true, value: await step(process) };
      } catch (error) {
        return { process, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}

/** The one outcome of a command sent to a single process, or its error thrown. */
export function only<T>(outcomes: readonly ProcessOutcome<T>[], line: string): T {
  const outcome = outcomes[0];
  if (!outcome) throw new CommandFailedError(line, '', { message: `"${line}" reached no process` });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * A `merge` for list outputs that must be the same on every process (`show acl`, `show map <id>`…):
 * rows are compared by `text`; the first row that differs raises `InconsistentDataError` naming it
 * and each process's text of it (`undefined` past a process's last row). Returns the first
 * process's rows.
 *
 * @throws {InconsistentDataError}
 */
export function mergeSameRows<T>(
  command: string,
  values: ReadonlyArray<ProcessValue<T[]>>,
  text: (row: T) => string,
): T[] {
  const texts = values.map(({ value }) => value.map(text));
  const length = Math.max(...texts.map((rows) => rows.length));
  for (let index = 0; index < length; index++) {
    if (texts.every((rows) => rows[index] === texts[0]![index])) continue;
    const counts = texts.map((rows) => rows.length).join('/');
    throw new InconsistentDataError(
      `${command}: entry ${index + 1} (entries per process: ${counts})`,
      values.map(({ process }, at) => ({ process, value: texts[at]![index] })),
    );
  }
  return values[0]!.value;
}
