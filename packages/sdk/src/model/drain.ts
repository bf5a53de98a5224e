import { HAProxyError, serializeCommand } from '@haproxyadmin/protocol';
import { settle } from '../core/settle.js';
import type { CallOptions, ProcessRef } from '../core/types.js';
import {
  InvalidArgumentError,
  NotFoundError,
  SocketConnectionError,
  SocketTimeoutError,
  SocketTransportError,
} from '../errors.js';
import type { ModelContext } from './context.js';
import type { Scope } from './dump-source.js';
import type { Server } from './server.js';
import { sleep } from './wait.js';

/** Options of `Server#drain()` and `HAProxy#drainServer()`. */
export interface DrainOptions {
  /**
   * How long to wait for the sessions to end, in ms (default 60,000). Unlike other calls, this is
   * the deadline of the whole drain; each command still has the client's own timeout.
   */
  timeout?: number | undefined;
  /** Time between two session counts, in ms (default 500, at least 10). */
  pollInterval?: number | undefined;
  /** Called after every count with the sessions still open. */
  onProgress?: ((progress: DrainProgress) => void) | undefined;
  /** Stop waiting: the promise rejects with the signal's reason and the servers stay in DRAIN. */
  signal?: AbortSignal | undefined;
  /**
   * At the deadline with sessions still open: `true` (default) puts the servers in MAINT anyway
   * and resolves with `drained: false` and the sessions left (they are not closed: use
   * `server.shutdown()` for that); `false` leaves them in DRAIN and rejects with
   * {@link DrainTimeoutError}.
   */
  force?: boolean | undefined;
}

/** One process's open sessions on one server. */
export interface ProcessSessions {
  readonly process: ProcessRef;
  /** `<backend>/<server>`. */
  readonly server: string;
  readonly sessions: number;
}

/** What `onProgress` receives at each count. */
export interface DrainProgress {
  /** Sessions still open, summed over every server and process (current and old workers). */
  readonly sessions: number;
  /** The count per process and server. */
  readonly perProcess: readonly ProcessSessions[];
  readonly elapsedMs: number;
}

/** One drained server's outcome. */
export interface ServerDrainResult {
  readonly server: Server;
  readonly drained: boolean;
  readonly remainingSessions: number;
}

/** How a drain ended. */
export interface DrainResult {
  /** Every session ended before the deadline. */
  readonly drained: boolean;
  /** Sessions still open when the servers were put in MAINT (0 when drained). */
  readonly remainingSessions: number;
  readonly elapsedMs: number;
  /** Each server's outcome (one entry for `Server#drain()`). */
  readonly servers: readonly ServerDrainResult[];
}

/** A drain with `force: false` reached its deadline with sessions open; the servers stay in DRAIN. */
export class DrainTimeoutError extends HAProxyError {
  override name = 'DrainTimeoutError';
  readonly remainingSessions: number;
  readonly perProcess: readonly ProcessSessions[];
  readonly elapsedMs: number;

  constructor(progress: DrainProgress) {
    super(`drain timed out after ${progress.elapsedMs} ms with ${progress.sessions} session(s) still open`, {
      code: 'HAPROXY_ERR_DRAIN_TIMEOUT',
    });
    this.remainingSessions = progress.sessions;
    this.perProcess = progress.perProcess;
    this.elapsedMs = progress.elapsedMs;
  }
}

/**
 * The drain could not go on: a current process stopped answering while the sessions were counted
 * (or the MAINT step failed). The servers were put in DRAIN and **stay in DRAIN** on the processes
 * that applied it — call `drain()` again, or `setState('ready')` to undo. `cause` is the failure
 * (usually an `AggregateProcessError` naming the process); `lastProgress` the last count, if any.
 */
export class DrainInterruptedError extends HAProxyError {
  override name = 'DrainInterruptedError';
  /** The servers left in DRAIN (`backend/server`). */
  readonly servers: readonly string[];
  readonly lastProgress: DrainProgress | undefined;
  readonly elapsedMs: number;

  constructor(
    servers: readonly string[],
    elapsedMs: number,
    lastProgress: DrainProgress | undefined,
    cause: unknown,
    stage: 'counting' | 'maint' = 'counting',
  ) {
    const shown = servers.length === 1 ? servers[0] : `${servers.length} servers`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `drain of ${shown} interrupted after ${elapsedMs} ms${stage === 'maint' ? ' (setting MAINT)' : ''}: ${reason}; left in DRAIN on the processes that applied it${stage === 'maint' ? ' and did not take MAINT' : ''} (drain again, or set it ready to undo)`,
      { code: 'HAPROXY_ERR_DRAIN_INTERRUPTED', cause },
    );
    this.servers = servers;
    this.lastProgress = lastProgress;
    this.elapsedMs = elapsedMs;
  }
}

function checkNumber(value: unknown, argument: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidArgumentError(`${argument} must be a number >= ${min}, got ${String(value)}`, {
      argument,
      value,
    });
  }
  return value;
}

/** Validate drain options before anything is sent. */
export function validateDrainOptions(options: DrainOptions): {
  timeout: number;
  pollInterval: number;
  force: boolean;
} {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('drain options must be an object', {
      argument: 'options',
      value: options,
    });
  }
  const timeout = checkNumber(options.timeout, 'timeout', 0) ?? 60_000;
  const pollInterval = checkNumber(options.pollInterval, 'pollInterval', 10) ?? 500;
  if (options.force !== undefined && typeof options.force !== 'boolean') {
    throw new InvalidArgumentError('force must be a boolean', { argument: 'force', value: options.force });
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidArgumentError('onProgress must be a function', {
      argument: 'onProgress',
      value: options.onProgress,
    });
  }
  return { timeout, pollInterval, force: options.force ?? true };
}

/**
 * Sessions of the servers on every process (current and old workers), from one coalesced dump. An
 * old worker that cannot be dumped any more has exited — its sessions are over — so it counts as
 * none; a current worker that cannot be dumped fails the drain.
 */
async function count(
  context: ModelContext,
  servers: readonly Server[],
  scope: Scope,
  started: number,
  options: CallOptions,
): Promise<{ progress: DrainProgress; byServer: Map<Server, number> }> {
  const outcomes = await context.stats.read(scope, options);
  // An old worker that is gone (refused, no longer listed) has no sessions left; one that does not
  // answer in time may still hold them, so it fails the count like a current worker would.
  const counted = outcomes.filter(
    (outcome) => outcome.process.current || (!outcome.ok && !workerGone(outcome.error)),
  );
  settle('show stat', counted);
  const dumps = outcomes.flatMap((outcome) =>
    outcome.ok ? [{ process: outcome.process, value: outcome.value }] : [],
  );
  const perProcess: ProcessSessions[] = [];
  const byServer = new Map<Server, number>();
  let total = 0;
  for (const server of servers) {
    let sum = 0;
    for (const { process, value } of dumps) {
      const row = value.servers.get(server.backendName)?.get(server.name);
      if (!row) continue;
      const sessions = typeof row.scur === 'number' ? row.scur : Number(row.scur ?? 0);
      perProcess.push({ process, server: server.key, sessions });
      sum += sessions;
    }
    byServer.set(server, sum);
    total += sum;
  }
  return { progress: { sessions: total, perProcess, elapsedMs: Date.now() - started }, byServer };
}

/** The error of a dump to an old worker that has exited (rather than one that is stuck). */
function workerGone(error: Error): boolean {
  // stuck, or queued behind a reply that stalled (the connection was discarded for it)
  if (error instanceof SocketTimeoutError || error.cause instanceof SocketTimeoutError) return false;
  return (
    error instanceof NotFoundError ||
    error instanceof SocketConnectionError ||
    error instanceof SocketTransportError ||
    /^Can't find the target PID|^Can't connect to the target CLI/.test(
      (error as { response?: unknown }).response === undefined
        ? ''
        : String((error as { response?: unknown }).response),
    )
  );
}

/**
 * DRAIN every server on every current process, wait until their sessions reach 0 (or the
 * deadline), then MAINT. @internal Use `Server#drain()` / `HAProxy#drainServer()`.
 */
export async function drainServers(
  context: ModelContext,
  servers: readonly Server[],
  options: DrainOptions = {},
): Promise<DrainResult> {
  const { timeout, pollInterval, force } = validateDrainOptions(options);
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const started = Date.now();
  const call: CallOptions = { signal };
  const backends = new Set(servers.map((server) => server.backendName));
  const scope: Scope = backends.size === 1 ? { proxy: [...backends][0]! } : '*';
  const state = (value: 'drain' | 'maint') =>
    context.write(
      servers.map((server) => ({ line: serializeCommand('set server', server.key, 'state', value) })),
      call,
      { idempotent: true },
    );

  await state('drain');
  let last: { progress: DrainProgress; byServer: Map<Server, number> } | undefined;
  // Past DRAIN, a failure leaves the servers draining: say so rather than only naming the fault.
  const interrupted = (error: unknown, stage?: 'maint') =>
    signal?.aborted
      ? error
      : new DrainInterruptedError(
          servers.map((server) => server.key),
          Date.now() - started,
          last?.progress,
          error,
          stage,
        );
  try {
    for (;;) {
      last = await count(context, servers, scope, started, call);
      onProgress?.(last.progress);
      const left = timeout - (Date.now() - started);
      if (last.progress.sessions === 0 || left <= 0) break;
      await sleep(Math.min(pollInterval, left), signal);
    }
  } catch (error) {
    throw interrupted(error);
  }
  const drained = last.progress.sessions === 0;
  if (!drained && !force) throw new DrainTimeoutError(last.progress);
  await state('maint').catch((error: unknown) => {
    throw interrupted(error, 'maint');
  });
  return {
    drained,
    remainingSessions: last.progress.sessions,
    elapsedMs: Date.now() - started,
    servers: servers.map((server) => {
      const remainingSessions = last.byServer.get(server) ?? 0;
      return { server, drained: remainingSessions === 0, remainingSessions };
    }),
  };
}
