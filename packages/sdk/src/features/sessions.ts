/** Streams (`show sess`, `shutdown session`), captured errors (`show errors`) and resolvers (`show resolvers`). */
import {
  parseResolvers,
  parseSessions,
  type ResolversSection,
  type SessionRecord,
  serializeCommand,
} from '@haproxyadmin/protocol';
import type { CallOptions, Executor, ProcessRef } from '../core/types.js';
import { type CommandFailedError, HAProxyError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { validateName } from '../model/validate.js';
import { asNotFound, callOptions, runParsed } from './run.js';

/** One stream of `show sess`, with the process that holds it. */
export interface Session extends SessionRecord {
  readonly process: ProcessRef;
}

/** One process's `show resolvers`. */
export interface ProcessResolvers {
  readonly process: ProcessRef;
  readonly sections: ResolversSection[];
}

const POINTER = /^0x[0-9a-fA-F]{1,16}$/;

/**
 * `show sess` on every process (current and old workers: an old worker is still serving its
 * streams), each stream labelled with its process.
 */
export async function listSessions(executor: Executor, options?: CallOptions): Promise<Session[]> {
  const dumps = await runParsed(executor, 'show sess', parseSessions, {
    ...callOptions(options),
    targets: 'all',
  });
  return dumps.flatMap(({ process, value }) => value.map((session) => ({ ...session, process })));
}

/**
 * `shutdown session <ptr>`. Given a {@link Session} (from `sessions()`), only its process is asked;
 * given a bare pointer, every process is asked and the one that holds it closes it.
 * @throws {NotFoundError} when no process has that stream.
 */
export async function shutdownSession(
  executor: Executor,
  session: string | Pick<Session, 'ptr' | 'process'>,
  options?: CallOptions,
): Promise<void> {
  const ptr = typeof session === 'object' && session !== null ? session.ptr : session;
  if (typeof ptr !== 'string' || !POINTER.test(ptr)) {
    throw new InvalidArgumentError(
      `a session id is a pointer like 0x7f16d8032750 (from sessions()), got ${JSON.stringify(ptr)}`,
      {
        argument: 'session',
        value: session,
      },
    );
  }
  const line = serializeCommand('shutdown session', ptr);
  const targets = typeof session === 'object' ? [session.process] : 'all';
  const outcomes = await executor.run(line, { ...callOptions(options), targets, idempotent: false });
  if (outcomes.some((outcome) => outcome.ok)) return;
  const notFound = (error: Error) =>
    HAProxyError.isInstance(error) &&
    error.code === 'HAPROXY_ERR_COMMAND' &&
    /^No such session/.test((error as CommandFailedError).response);
  const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
  const other = failures.find((error) => !notFound(error));
  if (other) throw other;
  throw new NotFoundError('session', ptr);
}

/** `show resolvers [<section>]` on every current process. */
export async function listResolvers(
  executor: Executor,
  section?: string,
  options?: CallOptions,
): Promise<ProcessResolvers[]> {
  const line =
    section === undefined
      ? 'show resolvers'
      : serializeCommand('show resolvers', validateName(section, 'section'));
  const dumps = await runParsed(executor, line, parseResolvers, callOptions(options)).catch(
    (error: unknown) =>
      asNotFound(error, /^Can't find that resolvers section/, 'resolvers section', section ?? ''),
  );
  return dumps.map(({ process, value }) => ({ process, sections: value }));
}
