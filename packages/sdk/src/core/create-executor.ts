import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  classifyReply,
  HAProxyError,
  InvalidArgumentError,
  type ProcList,
  parseProc,
} from '@haproxyadmin/protocol';
import {
  ClientClosedError,
  NotFoundError,
  SocketConnectionError,
  SocketTimeoutError,
  SocketTransportError,
} from '../errors.js';
import type { ConnectOptions } from '../haproxy.js';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../transport/endpoint.js';
import { checkTimeout, retry, timeout, withInterceptors } from '../transport/interceptors.js';
import {
  raceAbort,
  type StreamTransport,
  tcpTransport,
  unixTransport,
} from '../transport/stream-transport.js';
import type {
  Send,
  Transport,
  TransportInterceptor,
  TransportReply,
  TransportRequest,
} from '../transport/types.js';
import { mapLimit } from './limit.js';
import { DiscoveryWatcher, resolveWatchOptions } from './watch.js';
import type {
  CallOptions,
  Executor,
  MasterChannel,
  ProcessOutcome,
  ProcessRef,
  RunOptions,
  SkippedSocket,
  Targets,
} from './types.js';

/** Options of {@link createExecutor} beyond {@link ConnectOptions}. */
export interface ExecutorOptions {
  /** Interceptors applied to every process's transport, outermost first, inside timeout and retry. */
  interceptors?: readonly TransportInterceptor[] | undefined;
  /** Your own transports (a TLS tunnel, …), each one HAProxy stats socket, probed like `endpoints`. */
  transports?: readonly Transport[] | undefined;
}

const DEFAULT_TIMEOUT = 5000;
const DEFAULT_RETRY = 2;
const DEFAULT_RETRY_INTERVAL = 200;
const DEFAULT_CONCURRENCY = 64;

/** A process and how to reach it. */
interface Target {
  /** Replaced (same key, new pid) when a reconnect reaches a restarted process. */
  ref: ProcessRef;
  send: Send;
  /** Level of the socket (`admin`, `operator`, `user`) when probed. */
  level?: string | undefined;
  local: boolean;
  /**
   * Pid, start time and node name from `show info`: two sockets of one process share it, while
   * processes in different pid namespaces (containers) that happen to share a pid do not.
   */
  identity?: string | undefined;
}

/** Socket levels, best first, to keep the best of two sockets of one process. */
const LEVEL_RANK: Record<string, number> = { admin: 3, operator: 2, user: 1 };

function isLocal(endpoint: Endpoint): boolean {
  return (
    endpoint.kind === 'unix' ||
    endpoint.host === 'localhost' ||
    endpoint.host === '::1' ||
    endpoint.host.startsWith('127.')
  );
}

function transportFor(
  endpoint: Endpoint,
  kind: 'stats' | 'master',
  maxReplyLength: number | undefined,
  onPeerClose?: () => void,
  onConnect?: (previous: number) => void,
): StreamTransport {
  return endpoint.kind === 'unix'
    ? unixTransport({ path: endpoint.path, kind, onPeerClose, onConnect, maxReplyLength })
    : tcpTransport({
        host: endpoint.host,
        port: endpoint.port,
        kind,
        onPeerClose,
        onConnect,
        maxReplyLength,
      });
}

/**
 * A stats-socket transport whose target learns its new pid after a reconnect (HAProxy restarted
 * on the same socket: same key, new pid).
 */
function watchedTransport(
  endpoint: Endpoint,
  timeoutMs: number,
  maxReplyLength: number | undefined,
): { transport: StreamTransport; bind(target: Target): void } {
  let bound: Target | undefined;
  const transport = transportFor(endpoint, 'stats', maxReplyLength, undefined, (previous) => {
    const target = bound;
    if (previous === 0 || !target) return;
    reprobe(target, timeoutMs, undefined).catch(() => {});
  });
  return {
    transport,
    bind: (target) => {
      bound = target;
    },
  };
}

/** `Pid:` from `show info`. */
function readPid(text: string): number | undefined {
  const match = /^Pid:\s*(\d+)\s*$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The master CLI source: the workers listed by `show proc`, current and old, each reached with an
 * `@!<pid>` prefix over one pipelined master connection. The list is read again after the master
 * closed our connection (a reload does that), or after a worker vanished.
 */
class MasterSource {
  readonly transport: StreamTransport;
  readonly endpoint: string;
  private stale = true;
  private refreshing: Promise<void> | undefined;
  targets: Target[] = [];

  constructor(
    endpoint: Endpoint,
    private readonly wrap: (transport: Transport) => Transport,
    private readonly timeoutMs: number,
    maxReplyLength: number | undefined,
  ) {
    this.endpoint = formatEndpoint(endpoint);
    (this.channel as { endpoint: string }).endpoint = this.endpoint;
    this.transport = transportFor(endpoint, 'master', maxReplyLength, () => {
      this.stale = true;
    });
  }

  markStale(): void {
    this.stale = true;
  }

  /** The master itself, for `show proc` and `reload`. */
  readonly channel: MasterChannel = {
    endpoint: '',
    send: async (line, options = {}) => {
      const reply = await this.wrap(this.transport).send({
        line,
        signal: options.signal,
        timeout: options.timeout ?? this.timeoutMs,
        oneshot: options.oneshot,
        // Reads such as `show proc` may be retried on a broken connection; `reload` never is.
        idempotent: options.idempotent === true,
      });
      return reply.text;
    },
    refresh: async (options = {}) => {
      // Wait for a refresh in flight (it may have read the list before the change), then read again.
      await this.refreshing?.catch(() => {});
      this.stale = true;
      await this.ensureFresh(options.signal);
    },
  };

  async ensureFresh(signal: AbortSignal | undefined): Promise<void> {
    if (!this.stale) return;
    this.refreshing ??= this.refresh(signal).finally(() => {
      this.refreshing = undefined;
    });
    await raceAbort(this.refreshing, signal);
  }

  private async refresh(signal: AbortSignal | undefined): Promise<void> {
    this.stale = false;
    const control = this.wrap(this.transport);
    let reply: TransportReply;
    try {
      reply = await control.send({ line: 'show proc', idempotent: true, signal, timeout: this.timeoutMs });
    } catch (error) {
      this.stale = true;
      throw error;
    }
    const checked = classifyReply('show proc', reply.text);
    if (!checked.ok) {
      this.stale = true;
      throw checked.error;
    }
    let list: ProcList;
    try {
      list = parseProc(checked.text);
    } catch (error) {
      this.stale = true;
      throw error;
    }
    const workers = [
      ...list.workers.map((worker) => ({ pid: worker.pid, current: true })),
      ...list.oldWorkers.map((worker) => ({ pid: worker.pid, current: false })),
    ];
    if (!workers.some((worker) => worker.current)) {
      // Mid-reload (the new worker is not forked yet) or a broken master: never let a write
      // "succeed" on zero processes.
      this.stale = true;
      throw new SocketConnectionError(
        'the master CLI lists no current worker (a reload in progress?)',
        this.endpoint,
      );
    }
    const previous = new Map(this.targets.map((target) => [target.ref.pid, target]));
    this.targets = workers.map((worker) => {
      const known = previous.get(worker.pid);
      if (known && known.ref.current === worker.current) return known;
      const prefix = `@!${worker.pid}`;
      const routed: Transport = {
        endpoint: `${this.endpoint} ${prefix}`,
        send: (request) => this.transport.sendRouted(prefix, request),
        close: async () => {},
      };
      return {
        ref: {
          key: `${this.endpoint}${prefix}`,
          endpoint: `${this.endpoint} ${prefix}`,
          pid: worker.pid,
          role: worker.current ? 'worker' : 'old-worker',
          current: worker.current,
        },
        send: this.wrap(routed).send,
        local: true,
      } satisfies Target;
    });
  }
}

/**
 * Discover every HAProxy process of the given sources and return an {@link Executor} that talks to
 * them: persistent prompt-mode connections (one per process, pipelined), per-call total timeouts,
 * retries for idempotent commands only, typed errors, parallel fan-out.
 *
 * @throws {SocketError} when an explicit endpoint (`socketFile`, `endpoints`, `master`) cannot be
 *   reached or is not HAProxy, or when `socketDir` holds no HAProxy socket.
 */
export async function createExecutor(options: ConnectOptions & ExecutorOptions): Promise<Executor> {
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT;
  const retries = options.retry ?? DEFAULT_RETRY;
  const retryInterval = options.retryInterval ?? DEFAULT_RETRY_INTERVAL;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  for (const [name, value] of Object.entries({
    timeout: timeoutMs,
    retry: retries,
    retryInterval,
    concurrency,
  })) {
    if (!(typeof value === 'number' && value >= 0 && !Number.isNaN(value))) {
      throw new InvalidArgumentError(`${name} must be a non-negative number`, { argument: name, value });
    }
  }
  const interceptors: TransportInterceptor[] = [
    timeout({ ms: timeoutMs }),
    retry({ retries, interval: retryInterval }),
    ...(options.interceptors ?? []),
  ];
  const wrap = (transport: Transport) => withInterceptors(transport, interceptors);
  const signal = options.signal;

  const owned: Transport[] = [];
  const masters: MasterSource[] = [];
  const standalone: Target[] = [];

  const probe = async (
    transport: Transport,
    local: boolean,
    probeTimeout: number,
    probeSignal: AbortSignal | undefined,
  ): Promise<Target> => {
    const wrapped = wrap(transport);
    const request: TransportRequest = {
      line: 'show info',
      idempotent: true,
      signal: probeSignal,
      timeout: probeTimeout,
    };
    const [info, level] = await Promise.all([
      wrapped.send(request),
      wrapped.send({ ...request, line: 'show cli level' }),
    ]);
    const infoText = classifyReply('show info', info.text);
    if (!infoText.ok) throw infoText.error;
    const levelText = classifyReply('show cli level', level.text);
    const pid = readPid(infoText.text);
    return {
      ref: { key: transport.endpoint, endpoint: transport.endpoint, pid, role: 'standalone', current: true },
      send: wrapped.send,
      level: levelText.ok ? levelText.text.trim() : undefined,
      local,
      identity:
        pid === undefined
          ? undefined
          : `${pid}/${infoField(infoText.text, 'Start_time_sec') ?? ''}/${infoField(infoText.text, 'node') ?? ''}`,
    };
  };

  /**
   * Probe every socket of `socketDir` not in `known` (real paths); sockets that are not HAProxy are
   * skipped. `signal` is connect's for the first scan and the client's own (aborted by `close()`)
   * afterwards: an `AbortSignal.timeout()` given to `connect` must not fail every later refresh.
   */
  const probeTimeout = Math.min(timeoutMs || DEFAULT_TIMEOUT, 2000);
  const unresponsive = options.unresponsive ?? 'fail';
  if (unresponsive !== 'fail' && unresponsive !== 'skip') {
    throw new InvalidArgumentError("unresponsive must be 'fail' or 'skip'", {
      argument: 'unresponsive',
      value: unresponsive,
    });
  }
  let initialSkipped: readonly SkippedSocket[] = [];
  const scanDir = async (known: ReadonlySet<string>, scanSignal: AbortSignal | undefined) => {
    const dir = resolve(options.socketDir!);
    const candidates = (await socketsIn(dir)).filter((path) => !known.has(path));
    const probed = await mapLimit(candidates, concurrency, async (path) => {
      const { transport, bind } = watchedTransport({ kind: 'unix', path }, timeoutMs, options.maxReplyLength);
      owned.push(transport);
      try {
        // Bounded: a silent non-HAProxy socket cannot stall discovery past the timeout.
        const target = await probe(transport, true, probeTimeout, scanSignal);
        bind(target);
        return target;
      } catch (error) {
        const index = owned.indexOf(transport);
        if (index >= 0) owned.splice(index, 1);
        await transport.close();
        return error instanceof Error ? error : new Error(String(error));
      }
    });
    const targets = probed.filter((result): result is Target => !(result instanceof Error));
    const errors = probed.filter((result): result is Error => result instanceof Error);
    const skipped: SkippedSocket[] = probed.flatMap((result, index) =>
      result instanceof Error
        ? [{ endpoint: `unix://${candidates[index]!}`, reason: skipReason(result), error: result }]
        : [],
    );
    // Not listening yet (HAProxy binds, renames, then listens) or busy starting: worth another try.
    const unanswered = errors.filter(
      (error) =>
        error instanceof SocketConnectionError ||
        error instanceof SocketTimeoutError ||
        error instanceof SocketTransportError,
    ).length;
    return { targets, tried: candidates.length, firstError: errors[0], unanswered, skipped };
  };

  const closeAll = async () => {
    await Promise.all([...owned, ...masters.map((master) => master.transport)].map((t) => t.close()));
  };

  const watchOptions = resolveWatchOptions(options.watch);
  if (watchOptions && options.socketDir === undefined && options.master === undefined) {
    throw new InvalidArgumentError(
      'watch needs socketDir (the folder is watched) or master (its process list is re-read); socketFile, endpoints and transports are fixed sources',
      { argument: 'watch', value: options.watch },
    );
  }
  // Armed before the first scan, so that a socket appearing meanwhile is not missed.
  const watcher = watchOptions
    ? new DiscoveryWatcher(
        {
          dir: options.socketDir === undefined ? undefined : resolve(options.socketDir),
          masters: options.master !== undefined,
        },
        watchOptions,
      )
    : undefined;

  try {
    await watcher?.arm();
    const explicit: Array<{ transport: Transport; local: boolean; bind?: (target: Target) => void }> = [];
    const addEndpoint = (text: string) => {
      const endpoint = parseEndpoint(text);
      const { transport, bind } = watchedTransport(endpoint, timeoutMs, options.maxReplyLength);
      owned.push(transport);
      explicit.push({ transport, local: isLocal(endpoint), bind });
    };
    if (options.socketFile !== undefined) addEndpoint(`unix://${resolve(options.socketFile)}`);
    for (const text of options.endpoints ?? []) addEndpoint(text);
    for (const transport of options.transports ?? []) {
      owned.push(transport);
      explicit.push({ transport, local: false });
    }
    if (options.master !== undefined) {
      const master = new MasterSource(parseEndpoint(options.master), wrap, timeoutMs, options.maxReplyLength);
      masters.push(master);
    }

    const found: Target[] = [];
    // Explicit sources must answer: their errors reject the connection.
    const tasks: Array<Promise<unknown>> = explicit.map(async ({ transport, local, bind }) => {
      const target = await probe(transport, local, timeoutMs, signal);
      bind?.(target);
      found.push(target);
    });
    tasks.push(...masters.map((master) => master.ensureFresh(signal)));
    if (options.socketDir !== undefined) {
      tasks.push(
        (async () => {
          const { targets, tried, firstError, skipped } = await scanDir(new Set(), signal);
          initialSkipped = skipped;
          // A socket that accepts but stays silent is most likely a hung or still-starting HAProxy:
          // leaving it out would make every write "succeed" without that process.
          const silent = skipped.filter((entry) => entry.reason === 'timeout');
          if (silent.length > 0 && unresponsive === 'fail') {
            const first = silent[0]!;
            const ms = (first.error as SocketTimeoutError).timeout ?? probeTimeout;
            throw new SocketTimeoutError(
              `accepted the connection but did not answer "show info" within ${ms} ms (a hung or still-starting HAProxy?)${silent.length > 1 ? ` — and ${silent.length - 1} more socket(s) in the folder` : ''}; pass unresponsive: 'skip' (hapctl --skip-unresponsive) to leave such sockets out`,
              first.endpoint,
              ms,
              { cause: first.error },
            );
          }
          if (targets.length === 0) {
            throw new SocketConnectionError(
              `no HAProxy stats socket answered in this folder (${tried} socket(s) tried${describeSkipped(skipped, probeTimeout)})`,
              `unix://${resolve(options.socketDir!)}`,
              firstError ? { cause: firstError } : {},
            );
          }
          found.push(...targets);
        })(),
      );
    }
    const settled = await Promise.allSettled(tasks);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    if (explicit.length === 0 && masters.length === 0 && options.socketDir === undefined) {
      throw new InvalidArgumentError('no source given: pass socketDir, socketFile, endpoints or master', {
        argument: 'options',
      });
    }
    standalone.push(...dedupe(found));
  } catch (error) {
    await watcher?.stop();
    await closeAll();
    throw error;
  }
  // `refresh()` re-reads the socket folder: processes started since are probed and added, sockets
  // that disappeared are dropped (their connections closed); known sockets keep their connections.
  const rescan =
    options.socketDir === undefined
      ? undefined
      : async (current: readonly Target[], scanSignal: AbortSignal): Promise<Rescanned> => {
          const dir = resolve(options.socketDir!);
          const present = new Set(await socketsIn(dir));
          const gone: SkippedSocket[] = [];
          const keep = await Promise.all(
            current.map(async (target) => {
              const path = target.ref.key.startsWith('unix://')
                ? target.ref.key.slice('unix://'.length)
                : undefined;
              if (path === undefined || !path.startsWith(`${dir}/`)) return true;
              // Removed from the folder; or still there, but a crashed HAProxy leaves its file:
              // nothing listening any more (refused) drops it too.
              const dead = present.has(path) ? await refusedNow(target, probeTimeout, scanSignal) : null;
              if (dead === undefined) return true;
              if (dead) gone.push({ endpoint: target.ref.key, reason: 'refused', error: dead });
              await closeTarget(target);
              return false;
            }),
          );
          const kept = current.filter((_, index) => keep[index]);
          const known = new Set([
            ...kept.map((target) => target.ref.key.slice('unix://'.length)),
            // a dead socket file is not probed again as a new one in the same scan
            ...gone.map((entry) => entry.endpoint.slice('unix://'.length)),
          ]);
          const { targets, unanswered, skipped } = await scanDir(known, scanSignal);
          return { targets: dedupe([...kept, ...targets]), unanswered, skipped: [...gone, ...skipped] };
        };
  const closeTarget = async (target: Target) => {
    const transport = owned.find((candidate) => candidate.endpoint === target.ref.key);
    if (!transport) return;
    owned.splice(owned.indexOf(transport), 1);
    await transport.close();
  };
  const executor = new DefaultExecutor(standalone, masters, closeAll, concurrency, rescan, watcher);
  executor.lastSkipped = initialSkipped;
  watcher?.attach(async () => {
    const processes = await executor.refresh();
    return { processes, retry: executor.unanswered > 0 };
  });
  return executor;
}

/** What a re-read of the socket folder found. */
interface Rescanned {
  targets: Target[];
  /** New sockets that did not answer (yet): a watcher tries them again. */
  unanswered: number;
  /** Sockets of the folder left out by the scan, with why. */
  skipped: readonly SkippedSocket[];
}

/** A `Name: value` line of `show info`. */
function infoField(text: string, name: string): string | undefined {
  const start = text.startsWith(`${name}:`) ? 0 : text.indexOf(`\n${name}:`) + 1;
  if (start === 0 && !text.startsWith(`${name}:`)) return undefined;
  const end = text.indexOf('\n', start);
  return text.slice(start + name.length + 1, end < 0 ? undefined : end).trim();
}

/** One process reached through two sockets of the same host counts once: keep the best socket. */
function dedupe(targets: Target[]): Target[] {
  const sorted = [...targets].sort((a, b) => a.ref.endpoint.localeCompare(b.ref.endpoint));
  const byPid = new Map<string, Target>();
  const result: Target[] = [];
  for (const target of sorted) {
    const pid = target.identity;
    if (pid === undefined || !target.local) {
      result.push(target);
      continue;
    }
    const seen = byPid.get(pid);
    if (!seen) {
      byPid.set(pid, target);
      result.push(target);
    } else if ((LEVEL_RANK[target.level ?? ''] ?? 0) > (LEVEL_RANK[seen.level ?? ''] ?? 0)) {
      byPid.set(pid, target);
      result[result.indexOf(seen)] = target;
    }
  }
  return result;
}

/** Unix sockets in `dir` (symlinks followed), one per real path, sorted by name. */
async function socketsIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SocketConnectionError(
      `cannot read the socket folder: ${(error as Error).message}`,
      `unix://${dir}`,
      {
        cause: error,
        ...(code ? { errno: code } : {}),
      },
    );
  }
  const seen = new Set<string>();
  const sockets: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (!info.isSocket()) continue;
      const real = (await lstat(path)).isSymbolicLink() ? await realpath(path) : path;
      if (seen.has(real)) continue;
      seen.add(real);
      sockets.push(path);
    } catch {
      // Vanished or dangling: not a socket we can use.
    }
  }
  return sockets;
}

class DefaultExecutor implements Executor {
  private closed = false;
  private closing: Promise<void> | undefined;

  private refreshing: Promise<void> | undefined;
  /** Aborted by `close()`: ends the probes of a refresh in flight. */
  private readonly stop = new AbortController();
  /** New sockets of the last folder scan that did not answer. */
  unanswered = 0;
  /** Sockets the last folder scan left out. */
  lastSkipped: readonly SkippedSocket[] = [];

  skipped(): readonly SkippedSocket[] {
    return this.lastSkipped;
  }

  constructor(
    private standalone: readonly Target[],
    private readonly masterSources: readonly MasterSource[],
    private readonly closeTransports: () => Promise<void>,
    private readonly concurrency: number,
    private readonly rescan?: (current: readonly Target[], signal: AbortSignal) => Promise<Rescanned>,
    private readonly watcher?: DiscoveryWatcher,
  ) {}

  /**
   * Re-discover the processes: re-read `socketDir` (new sockets probed and added, vanished ones
   * dropped) and re-read every master's `show proc`. Concurrent calls share one refresh. Rejects
   * when a source could not be re-read (the folder, a master), after applying what the others found.
   */
  refresh(options: CallOptions = {}): Promise<readonly ProcessRef[]> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    try {
      checkTimeout(options.timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    // `.finally` runs after the assignment, even when the work completes synchronously.
    this.refreshing ??= this.rediscover().finally(() => {
      this.refreshing = undefined;
    });
    return raceAbort(this.refreshing, options.signal).then(() => this.processes(options));
  }

  private async rediscover(): Promise<void> {
    const signal = this.stop.signal;
    const [scanned, ...rest] = await Promise.allSettled([
      this.rescan ? this.rescan(this.standalone, signal) : Promise.resolve(undefined),
      ...this.masterSources.map((master) => master.channel.refresh({ signal })),
    ]);
    if (scanned?.status === 'fulfilled' && scanned.value) {
      this.standalone = scanned.value.targets;
      this.unanswered = scanned.value.unanswered;
      this.lastSkipped = scanned.value.skipped;
    }
    const failure = [scanned, ...rest].find((result) => result?.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Every known target; a master whose process list cannot be read yields failed entries. */
  private async targets(
    signal: AbortSignal | undefined,
  ): Promise<{ targets: Target[]; failed: Array<{ ref: ProcessRef; error: Error }> }> {
    if (this.closed) throw new ClientClosedError();
    const failed: Array<{ ref: ProcessRef; error: Error }> = [];
    await Promise.all(
      this.masterSources.map(async (master) => {
        try {
          await master.ensureFresh(signal);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          const reason = error instanceof Error ? error : new Error(String(error));
          const known = master.targets.filter((target) => target.ref.current).map((target) => target.ref);
          const refs: ProcessRef[] = known.length
            ? known
            : [
                {
                  key: master.endpoint,
                  endpoint: master.endpoint,
                  pid: undefined,
                  role: 'worker',
                  current: true,
                },
              ];
          for (const ref of refs) failed.push({ ref, error: reason });
        }
      }),
    );
    if (this.closed) throw new ClientClosedError();
    const failedKeys = new Set(failed.map((entry) => entry.ref.key));
    const targets = [...this.standalone, ...this.masterSources.flatMap((master) => master.targets)].filter(
      (target) => !failedKeys.has(target.ref.key),
    );
    return { targets, failed };
  }

  async processes(options: CallOptions = {}): Promise<readonly ProcessRef[]> {
    const { targets, failed } = await this.targets(options.signal);
    if (targets.length === 0 && failed[0]) throw failed[0].error;
    return targets.map((target) => target.ref);
  }

  run(line: string, options: RunOptions = {}): Promise<ProcessOutcome<string>[]> {
    const signal = options.signal;
    if (this.closed) return Promise.reject(new ClientClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    // A bad budget is the caller's mistake: one rejection, before any process (or master) is asked.
    try {
      checkTimeout(options.timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    const work =
      this.masterSources.length === 0
        ? this.fanOut(this.standalone, [], line, options)
        : this.runMastered(line, options);
    return (signal ? raceAbort(work, signal) : work).then((outcomes) => {
      if (this.closed) throw new ClientClosedError();
      return outcomes;
    });
  }

  private async runMastered(line: string, options: RunOptions): Promise<ProcessOutcome<string>[]> {
    const { targets, failed } = await this.targets(options.signal);
    return this.fanOut(targets, failed, line, options);
  }

  private fanOut(
    all: readonly Target[],
    failed: ReadonlyArray<{ ref: ProcessRef; error: Error }>,
    line: string,
    options: RunOptions,
  ): Promise<ProcessOutcome<string>[]> {
    const wanted = options.targets ?? 'current';
    const chosen = select(all, wanted);
    const lost: ProcessOutcome<string>[] = [];
    for (const entry of failed) {
      if (Array.isArray(wanted) || select([{ ref: entry.ref } as Target], wanted).length > 0) {
        lost.push({ process: entry.ref, ok: false, error: entry.error });
      }
    }
    if (Array.isArray(wanted)) {
      // Processes asked for by reference that no longer exist (an old worker that exited).
      const known = new Set([
        ...chosen.map((target) => target.ref.key),
        ...failed.map((entry) => entry.ref.key),
      ]);
      for (const ref of wanted as readonly ProcessRef[]) {
        if (!known.has(ref.key))
          lost.push({ process: ref, ok: false, error: new NotFoundError('process', ref.key) });
      }
    }
    const running =
      chosen.length <= this.concurrency
        ? Promise.all(chosen.map((target) => this.runOne(target, line, options)))
        : mapLimit(chosen, this.concurrency, (target) => this.runOne(target, line, options));
    return lost.length === 0 ? running : running.then((outcomes) => [...outcomes, ...lost]);
  }

  private runOne(target: Target, line: string, options: RunOptions): Promise<ProcessOutcome<string>> {
    let reply: Promise<TransportReply>;
    try {
      reply = target.send({
        line,
        payload: options.payload,
        signal: options.signal,
        timeout: options.timeout,
        idempotent: options.idempotent,
      });
    } catch (error) {
      reply = Promise.reject(error);
    }
    return reply.then(
      (result): ProcessOutcome<string> => {
        let value = '';
        for (const part of result.parts) {
          const checked = classifyReply(line, part);
          if (!checked.ok) {
            if (/^Can't find the target PID/.test(checked.text)) this.staleMasterOf(target);
            return { process: target.ref, ok: false, error: checked.error };
          }
          value = result.parts.length === 1 ? checked.text : value + checked.text;
        }
        return { process: target.ref, ok: true, value };
      },
      (error: unknown): ProcessOutcome<string> => {
        if (target.ref.role !== 'standalone') this.staleMasterOf(target);
        // A folder socket nobody listens on any more: let the watch re-read the folder.
        else if (error instanceof SocketConnectionError) this.watcher?.nudge();
        return {
          process: target.ref,
          ok: false,
          error: error instanceof Error ? error : new Error(String(error)),
        };
      },
    );
  }

  private staleMasterOf(target: Target): void {
    for (const master of this.masterSources) if (master.targets.includes(target)) master.markStale();
  }

  masters(): readonly MasterChannel[] {
    return this.masterSources.map((master) => master.channel);
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      this.stop.abort(new ClientClosedError());
      await this.watcher?.stop();
      // A refresh in flight may still add connections: let it end before closing them all.
      await this.refreshing?.catch(() => {});
      await this.closeTransports();
    })();
    return this.closing;
  }
}

function select(all: readonly Target[], targets: Targets): Target[] {
  if (targets === 'current') return all.filter((target) => target.ref.current);
  if (targets === 'all') return [...all];
  if (typeof targets === 'function') return all.filter((target) => targets(target.ref));
  const keys = new Set(targets.map((ref) => ref.key));
  return all.filter((target) => keys.has(target.ref.key));
}

/** Why a probe of a folder socket failed, for {@link SkippedSocket}. */
function skipReason(error: Error): SkippedSocket['reason'] {
  if (error instanceof SocketTimeoutError) return 'timeout';
  if (error instanceof SocketConnectionError) return 'refused';
  // HAProxy, but its reply is over the client's cap: not a stranger
  if (error.message.includes('(maxReplyLength)')) return 'error';
  // A peer that answers something else (SocketApplicationError), or not a `show info`.
  if (
    HAProxyError.isInstance(error) &&
    ['HAPROXY_ERR_SOCKET_APPLICATION', 'HAPROXY_ERR_PROTOCOL', 'HAPROXY_ERR_COMMAND'].includes(error.code)
  )
    return 'not-haproxy';
  return 'error';
}

/** `: 2 refused, 1 timed out` for the "no socket answered" message. */
function describeSkipped(skipped: readonly SkippedSocket[], timeoutMs: number): string {
  const counts = new Map<string, number>();
  for (const { reason } of skipped) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const words = {
    refused: 'refused',
    timeout: `timed out after ${timeoutMs} ms`,
    'not-haproxy': 'not HAProxy',
    error: 'failed',
  };
  const parts = [...counts].map(([reason, count]) => `${count} ${words[reason as SkippedSocket['reason']]}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}

/**
 * Ask a known target `show info` again and learn its pid: a process restarted behind the same
 * socket gets its new one. Rejects with the transport's error.
 */
async function reprobe(target: Target, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const reply = await target.send({ line: 'show info', idempotent: true, timeout: timeoutMs, signal });
  const checked = classifyReply('show info', reply.text);
  const pid = checked.ok ? readPid(checked.text) : undefined;
  if (pid !== undefined && pid !== target.ref.pid) target.ref = { ...target.ref, pid };
}

/**
 * During a refresh: the error when nothing listens on a known folder socket any more (connection
 * refused: the process exited and left its file), else undefined. A slow or hung process is kept
 * (its calls keep failing with a timeout, which is the truth).
 */
async function refusedNow(
  target: Target,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<SocketConnectionError | undefined> {
  try {
    await reprobe(target, timeoutMs, signal);
    return undefined;
  } catch (error) {
    return error instanceof SocketConnectionError ? error : undefined;
  }
}
