/**
 * Exit codes and how errors become them. Every error is printed as one line (`hapctl: …`); the
 * stack is shown only with `--debug`.
 */
import { HAProxyError } from '@haproxyadmin/sdk';

/** Process exit codes of `hapctl` (documented in the README; stable). */
export const ExitCode = {
  ok: 0,
  /** Anything not covered below (inconsistent data across processes, protocol errors, bugs). */
  error: 1,
  /** Bad command line, bad value, or a destructive action without `--yes` and no terminal to ask. */
  usage: 2,
  /** The frontend, backend, server, ACL or map does not exist. */
  notFound: 3,
  /** A write succeeded on some processes and failed on others. */
  partial: 4,
  /** A socket could not be reached, timed out, or broke. */
  socket: 5,
  /**
   * HAProxy answered the command with an error (or the socket's level is too low), or the SDK refused
   * before sending: precondition failed, drain timed out (`--no-force`), reload failed, unsupported.
   */
  refused: 6,
  /** Stopped by Ctrl-C / SIGTERM while waiting (`server drain --wait`: the server stays in DRAIN). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command whose help is worth pointing at. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/**
 * A lookup the CLI does itself (e.g. a server name matching nothing). Exit code 3; printed and
 * serialised like the SDK's `NotFoundError` (`NotFoundError: …`, `code: HAPROXY_ERR_NOT_FOUND`,
 * `kind`, `lookup`).
 */
export class CliNotFoundError extends Error {
  override name = 'NotFoundError';
  readonly code = 'HAPROXY_ERR_NOT_FOUND';
  /** What kind of object was looked up (`frontend`, `backend`, `server`). */
  readonly kind: string;
  /** The name looked up. */
  readonly lookup: string;
  /** Default message: `kind "lookup" not found`. */
  constructor(kind: string, lookup: string, message = `${kind} ${JSON.stringify(lookup)} not found`) {
    super(message);
    this.kind = kind;
    this.lookup = lookup;
  }
}

/** A typed error's `code`, or undefined. */
function codeOf(error: unknown): string | undefined {
  if (HAProxyError.isInstance(error) || error instanceof CliNotFoundError) return error.code;
  return undefined;
}

/** HAProxy's answer when an ACL or map id/file does not exist: a lookup miss, not a refusal. */
const UNKNOWN_ID = /^Unknown (ACL|map) identifier/;

/**
 * Typed refusals that are not HAProxy's own answer: a precondition of a multi-process operation
 * (server exists, still has sessions, is tracked…), a drain that timed out with `--no-force`, a
 * reload HAProxy refused, a feature this HAProxy or source does not offer, a write some process
 * refused and that was undone on the others (nothing changed).
 */
const REFUSED = new Set([
  'HAPROXY_ERR_PRECONDITION',
  'HAPROXY_ERR_DRAIN_TIMEOUT',
  'HAPROXY_ERR_RELOAD_FAILED',
  'HAPROXY_ERR_UNSUPPORTED',
  'HAPROXY_ERR_ROLLED_BACK',
]);

/** The exit code for an error. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return ExitCode.usage;
  const code = codeOf(error);
  if (code === undefined) return ExitCode.error;
  if (code === 'HAPROXY_ERR_INVALID_ARG') return ExitCode.usage;
  if (code === 'HAPROXY_ERR_NOT_FOUND') return ExitCode.notFound;
  if (code === 'HAPROXY_ERR_PARTIAL') return ExitCode.partial;
  // A drain stopped by a fault (the server stays in DRAIN): the fault decides (socket, partial…).
  if (code === 'HAPROXY_ERR_DRAIN_INTERRUPTED') {
    const cause = (error as { cause?: unknown }).cause;
    return cause === undefined ? ExitCode.error : exitCodeFor(cause);
  }
  if (code.startsWith('HAPROXY_ERR_SOCKET')) return ExitCode.socket;
  if (
    code === 'HAPROXY_ERR_COMMAND' &&
    UNKNOWN_ID.test(String((error as { response?: unknown }).response ?? ''))
  ) {
    return ExitCode.notFound;
  }
  if (code === 'HAPROXY_ERR_COMMAND' || code === 'HAPROXY_ERR_PERMISSION') return ExitCode.refused;
  if (REFUSED.has(code)) return ExitCode.refused;
  return ExitCode.error;
}

/** One line: `<ErrorName>: <message>` with newlines folded, never a stack. */
export function oneLine(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message.replace(/\s*\n\s*/g, ' ').trim();
    if (error instanceof UsageError) return message;
    return `${error.name}: ${message}`;
  }
  return String(error).replace(/\s*\n\s*/g, ' ');
}

/** A plain JSON view of an error for `--json` output. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), exitCode: ExitCode.error };
  const out: Record<string, unknown> = {
    name: error.name,
    code: codeOf(error) ?? (error instanceof UsageError ? 'USAGE' : undefined),
    message: error.message,
    exitCode: exitCodeFor(error),
  };
  const record = error as unknown as Record<string, unknown>;
  for (const key of [
    'command',
    'response',
    'endpoint',
    'kind',
    'lookup',
    'argument',
    'field',
    'remainingSessions',
    'elapsedMs',
    'master',
  ] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'object') out[key] = record[key];
  }
  if (Array.isArray(record.outcomes)) {
    out.outcomes = (record.outcomes as Array<Record<string, unknown>>).map(outcomeJson);
  }
  if (Array.isArray(record.values)) out.values = record.values;
  // PreconditionFailedError: where the precondition failed, and why.
  if (Array.isArray(record.processes)) {
    out.processes = (record.processes as Array<{ process?: Record<string, unknown>; reason?: unknown }>).map(
      (entry) => ({
        endpoint: entry.process?.endpoint ?? null,
        pid: entry.process?.pid ?? null,
        reason: String(entry.reason ?? ''),
      }),
    );
  }
  return out;
}

/** One process's outcome as plain JSON. */
export function outcomeJson(outcome: Record<string, unknown>): Record<string, unknown> {
  const process = (outcome.process ?? {}) as Record<string, unknown>;
  const base = { endpoint: process.endpoint, pid: process.pid ?? null, ok: outcome.ok === true };
  if (outcome.ok === true) return base;
  const error = outcome.error as Error | undefined;
  return { ...base, error: error ? { name: error.name, code: codeOf(error), message: error.message } : null };
}
