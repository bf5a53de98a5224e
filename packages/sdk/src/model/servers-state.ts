import {
  parseServersConn,
  parseServersState,
  type ServerConnections,
  type ServerStateEntry,
  serializeCommand,
} from '@haproxyadmin/protocol';
import { settle } from '../core/settle.js';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { CommandFailedError, NotFoundError } from '../errors.js';
import type { ModelContext } from './context.js';

export type { ServerConnections, ServerStateEntry } from '@haproxyadmin/protocol';

/** One process's `show servers state` entry of one server. */
export interface ProcessServerState {
  readonly process: ProcessRef;
  readonly state: ServerStateEntry;
}

/** One process's `show servers state <backend>` (every server of the backend). */
export interface ProcessServersState {
  readonly process: ProcessRef;
  readonly servers: readonly ServerStateEntry[];
}

/** One process's `show servers conn [<backend>]`. */
export interface ProcessServersConn {
  readonly process: ProcessRef;
  readonly servers: readonly ServerConnections[];
}

async function runShow(
  context: ModelContext,
  line: string,
  backend: string | undefined,
  options: CallOptions | undefined,
): Promise<Array<{ process: ProcessRef; text: string }>> {
  const outcomes = await context.executor.run(line, {
    targets: 'current',
    idempotent: true,
    signal: options?.signal,
    timeout: options?.timeout,
  });
  if (outcomes.length === 0)
    throw new NotFoundError('process', 'current', { message: 'no current HAProxy process' });
  // `Can't find backend.` on every process: the backend does not exist.
  if (
    backend !== undefined &&
    outcomes.every(
      (outcome) =>
        !outcome.ok &&
        outcome.error instanceof CommandFailedError &&
        outcome.error.response.trim() === "Can't find backend.",
    )
  ) {
    throw new NotFoundError('backend', backend);
  }
  const texts = settle(line, outcomes);
  return texts.map((text, index) => ({ process: outcomes[index]!.process, text }));
}

/** `show servers state <backend>` on every current process, parsed. */
export async function readBackendServersState(
  context: ModelContext,
  backend: string,
  options?: CallOptions,
): Promise<ProcessServersState[]> {
  const line = serializeCommand('show servers state', backend);
  const replies = await runShow(context, line, backend, options);
  return replies.map(({ process, text }) => ({ process, servers: parseServersState(text).servers }));
}

/**
 * One server's `show servers state` entry on every current process that has it.
 * @throws {NotFoundError} when none has it.
 */
export async function readServersState(
  context: ModelContext,
  backend: string,
  options: CallOptions | undefined,
  server: string,
): Promise<ProcessServerState[]> {
  const found: ProcessServerState[] = [];
  for (const { process, servers } of await readBackendServersState(context, backend, options)) {
    const state = servers.find((entry) => entry.serverName === server);
    if (state) found.push({ process, state });
  }
  if (found.length === 0) throw new NotFoundError('server', `${backend}/${server}`);
  return found;
}

/** `show servers conn [<backend>]` on every current process, parsed. */
export async function readServersConn(
  context: ModelContext,
  backend: string | undefined,
  options?: CallOptions,
): Promise<ProcessServersConn[]> {
  const line = backend === undefined ? 'show servers conn' : serializeCommand('show servers conn', backend);
  const replies = await runShow(context, line, backend, options);
  return replies.map(({ process, text }) => ({ process, servers: parseServersConn(text) }));
}
