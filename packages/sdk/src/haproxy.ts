import type { AnyPlugin, ArgsWithOptions, Command, PluginNamespaces } from './plugin/types.js';
import { checkPlugins, installPlugins } from './plugin/install.js';
import { executeCommand } from './plugin/execute.js';
import { createExecutor, type ExecutorOptions } from './core/create-executor.js';
import type { CallOptions, Executor, ProcessOutcome, ProcessRef } from './core/types.js';
import type { WatchOptions } from './core/watch.js';
import { InvalidArgumentError } from './errors.js';
import type { HAProxyMetric } from '@haproxyadmin/protocol';
import type { PerProcessValue } from './model/aggregate.js';
import type { Backend } from './model/backend.js';
import type { Frontend } from './model/frontend.js';
import { HAProxyModel, type ProcessErrors, type ProcessInfo } from './model/haproxy-model.js';
import type { Server } from './model/server.js';
import type { Snapshot } from './model/snapshot.js';
import type { DrainOptions, DrainResult } from './model/drain.js';
import type { EventsOptions, HAProxyEvents } from './model/events.js';
import type { ProcessServersConn } from './model/servers-state.js';
import type { MetricValue } from './model/stat-object.js';
import { type ReloadOptions, type ReloadResult, reload } from './features/reload.js';
import {
  clearTable,
  listTables,
  setTableEntry,
  showTable,
  type TableContents,
  type TableInfo,
  type TableSelector,
} from './features/tables.js';
import {
  listResolvers,
  listSessions,
  type ProcessResolvers,
  type Session,
  shutdownSession,
} from './features/sessions.js';
import { SslApi } from './features/ssl.js';

/** Where the processes are and how to talk to them. Sources may be mixed; at least one is required. */
export interface ConnectOptions<P extends readonly AnyPlugin[] = readonly AnyPlugin[]>
  extends ExecutorOptions {
  /** Every HAProxy stats socket in this folder (other files and non-HAProxy sockets are skipped). */
  socketDir?: string | undefined;
  /**
   * With `socketDir`: what to do with a socket of the folder that accepts a connection but does not
   * answer `show info` in time (a hung or still-starting HAProxy). `'fail'` (default): `connect`
   * rejects with `SocketTimeoutError` naming it — leaving it out would make writes "succeed" without
   * that process. `'skip'`: leave it out. Either way, refused sockets (stale files) and sockets that
   * are not HAProxy are skipped; `hap.executor.skipped?.()` lists what was left out and why.
   */
  unresponsive?: 'fail' | 'skip' | undefined;
  /** One stats socket. */
  socketFile?: string | undefined;
  /** Explicit endpoints: `unix:///path`, `/path`, `tcp://host:port`, `host:port`, `[ipv6]:port`. */
  endpoints?: readonly string[] | undefined;
  /** A master CLI socket (`unix:///path` or path, or `tcp://…`): every worker, current and old. */
  master?: string | undefined;
  /**
   * Largest reply accepted from a process, in characters. Default 256 Mi. A longer one (a peer that
   * streams without end, or a dump too big to hold) fails that call with `ProtocolError` and closes
   * the connection, instead of filling the memory until the timeout.
   */
  maxReplyLength?: number | undefined;
  /** Per-call time budget in ms (connect + send + whole reply). Default 5000. */
  timeout?: number | undefined;
  /** Retries for reads and idempotent writes after a socket fault. `0` = no retry. Default 2. */
  retry?: number | undefined;
  /** Base delay between retries in ms (backoff doubles it). Default 200. */
  retryInterval?: number | undefined;
  /** How many processes are talked to at once during fan-out. Default 64. */
  concurrency?: number | undefined;
  /** Plugins adding typed namespaces (`hap.acl`, `hap.map`, …). */
  plugins?: P | undefined;
  /** Advanced: bring your own executor (tests, custom routing). Sources are then ignored. */
  executor?: Executor | undefined;
  /** Abort the connection/discovery phase. */
  signal?: AbortSignal | undefined;
  /**
   * Re-discover automatically, as `hap.refresh()` does, without being asked: with `socketDir`, the
   * folder is watched (`fs.watch`, or polling where it is unavailable) and every change runs one
   * refresh after `debounceMs` of quiet; with `master`, `show proc` is re-read every `pollIntervalMs`.
   * `socketFile`, `endpoints` and `transports` stay as given (alone, they reject `watch` with
   * `InvalidArgumentError`). Errors go to `onError`; `close()` stops watching. The watch keeps the
   * Node process alive until `close()`. Default off.
   */
  watch?: boolean | WatchOptions | undefined;
}

/**
 * A client for every HAProxy process reachable from the given sources.
 *
 * @example
 * const hap = await HAProxy.connect({ socketDir: '/run/haproxy' });
 * for (const server of await hap.servers({ backend: 'be_app' })) console.log(server.name, await server.status());
 * await hap.close();
 */
export class HAProxy {
  /** The layer that moves command lines to processes; plugins and the object model use it. */
  readonly executor: Executor;
  /** @internal */
  protected readonly options: ConnectOptions;

  protected constructor(executor: Executor, options: ConnectOptions) {
    this.executor = executor;
    this.options = options;
  }

  /** Discover and validate every process of the given sources, then return a client. */
  static async connect<const P extends readonly AnyPlugin[] = []>(
    options: ConnectOptions<P>,
  ): Promise<HAProxy & PluginNamespaces<P>> {
    // Plugin conflicts are reported before any socket is opened.
    checkPlugins(HAProxy.prototype, options.plugins ?? []);
    if (options.executor && options.watch !== undefined && options.watch !== false) {
      throw new InvalidArgumentError(
        'watch applies to the built-in discovery; with your own executor, pass it to createExecutor()',
        { argument: 'watch', value: options.watch },
      );
    }
    const executor = options.executor ?? (await createExecutor(options));
    const hap = new HAProxy(executor, options);
    try {
      installPlugins(hap, options.plugins ?? [], (run) => hap.#outsideModel(run));
    } catch (error) {
      if (!options.executor) await executor.close();
      throw error;
    }
    return hap as HAProxy & PluginNamespaces<P>;
  }

  /**
   * Send a raw command line, unescaped, to every current process; returns each process's outcome.
   * Use `serializeCommand()` to build lines from untrusted input.
   */
  command(line: string, options?: CallOptions): Promise<ProcessOutcome<string>[]> {
    return this.#outsideModel(() => this.executor.run(line, { ...options, targets: 'current' }));
  }

  /**
   * Run a command the object model did not build: it may be a write, so a read issued after it
   * must not join a dump sent before it (dumps in flight are invalidated at start and at the end).
   */
  async #outsideModel<R>(run: () => Promise<R>): Promise<R> {
    this.#model?.context.invalidateDumps();
    try {
      return await run();
    } finally {
      this.#model?.context.invalidateDumps();
    }
  }

  /**
   * Run a command (from a plugin package, or your own `defineCommand`) without installing its
   * plugin: its arguments, then optionally `{ signal, timeout }`.
   *
   * @example
   * import { addAclEntry } from '@haproxyadmin/plugin-acl';
   * await hap.execute(addAclEntry, '/etc/haproxy/blocked.acl', '10.0.0.1');
   */
  execute<const A extends readonly unknown[], R, O extends CallOptions>(
    command: Command<A, R, O>,
    ...args: ArgsWithOptions<A, O>
  ): Promise<R> {
    return this.#outsideModel(() => executeCommand(this.executor, command, args));
  }

  // ---- Object model (issue #5): every read is served from one coalesced dump per process. ----

  #model: HAProxyModel | undefined;

  /** @internal The object model's shared state (dump coalescing, handle identity). */
  protected get model(): HAProxyModel {
    return (this.#model ??= new HAProxyModel(this.executor));
  }

  /** The pid of every current process (`show info` `Pid`). */
  processIds(options?: CallOptions): Promise<number[]> {
    return this.model.processIds(options);
  }

  /** The `description` of the global section, or `undefined` when none is set; processes must agree. */
  description(options?: CallOptions): Promise<string | undefined> {
    return this.model.description(options);
  }

  /** HAProxy's release date (`2026/10/17`); processes must agree. */
  releaseDate(options?: CallOptions): Promise<string> {
    return this.model.releaseDate(options);
  }

  /** HAProxy's version (`2.6.12-1+deb12u4`); processes must agree (`InconsistentDataError`). */
  version(options?: CallOptions): Promise<string> {
    return this.model.version(options);
  }

  /** Uptime of the most recently started current process (`0d 0h01m36s`). */
  uptime(options?: CallOptions): Promise<string> {
    return this.model.uptime(options);
  }

  /** Uptime in seconds of the most recently started current process. */
  uptimeSec(options?: CallOptions): Promise<number> {
    return this.model.uptimeSec(options);
  }

  /** The `node` name; processes must agree. */
  nodeName(options?: CallOptions): Promise<string> {
    return this.model.nodeName(options);
  }

  /** Requests received since start (`CumReq`), summed over every process (current and old workers). */
  totalRequests(options?: CallOptions): Promise<number | bigint> {
    return this.model.totalRequests(options);
  }

  /** HTTP requests of all frontends (`req_tot`), summed over every process. */
  requests(options?: CallOptions): Promise<number | bigint> {
    return this.model.requests(options);
  }

  /** `Maxconn` summed over the current processes (total capacity, as the seed documents). */
  maxConn(options?: CallOptions): Promise<number> {
    return this.model.maxConn(options);
  }

  /** Each current process's `Maxconn`. */
  maxConnPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.model.maxConnPerProcess(options);
  }

  /** `ConnRateLimit` summed over the current processes. */
  rateLimitConn(options?: CallOptions): Promise<number> {
    return this.model.rateLimitConn(options);
  }

  /** Each current process's `ConnRateLimit`. */
  rateLimitConnPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.model.rateLimitConnPerProcess(options);
  }

  /** `SessRateLimit` summed over the current processes. */
  rateLimitSess(options?: CallOptions): Promise<number> {
    return this.model.rateLimitSess(options);
  }

  /** Each current process's `SessRateLimit`. */
  rateLimitSessPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.model.rateLimitSessPerProcess(options);
  }

  /** `SslRateLimit` summed over the current processes. */
  rateLimitSslSess(options?: CallOptions): Promise<number> {
    return this.model.rateLimitSslSess(options);
  }

  /** Each current process's `SslRateLimit`. */
  rateLimitSslSessPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.model.rateLimitSslSessPerProcess(options);
  }

  /** `set maxconn global <n>` on every current process (`n` per process; 0 = back to the hard limit). */
  setMaxConn(value: number, options?: CallOptions): Promise<void> {
    return this.model.setMaxConn(value, options);
  }

  /** `set rate-limit connections global <n>` on every current process (0 = no limit). */
  setRateLimitConn(value: number, options?: CallOptions): Promise<void> {
    return this.model.setRateLimitConn(value, options);
  }

  /** `set rate-limit sessions global <n>` on every current process (0 = no limit). */
  setRateLimitSess(value: number, options?: CallOptions): Promise<void> {
    return this.model.setRateLimitSess(value, options);
  }

  /** `set rate-limit ssl-sessions global <n>` on every current process (0 = no limit). */
  setRateLimitSslSess(value: number, options?: CallOptions): Promise<void> {
    return this.model.setRateLimitSslSess(value, options);
  }

  /** Every frontend (or the one named `name`, as a list), from one dump per process. */
  frontends(name?: string, options?: CallOptions): Promise<Frontend[]> {
    return this.model.frontends(name, options);
  }

  /** The frontend named `name`. @throws {NotFoundError} */
  frontend(name: string, options?: CallOptions): Promise<Frontend> {
    return this.model.frontend(name, options);
  }

  /** Every backend (or the one named `name`, as a list), from one dump per process. */
  backends(name?: string, options?: CallOptions): Promise<Backend[]> {
    return this.model.backends(name, options);
  }

  /** The backend named `name`. @throws {NotFoundError} */
  backend(name: string, options?: CallOptions): Promise<Backend> {
    return this.model.backend(name, options);
  }

  /** Every server (of one backend with `{ backend }`), from one dump per process. */
  servers(filter?: { backend?: string | undefined }, options?: CallOptions): Promise<Server[]> {
    return this.model.servers(filter, options);
  }

  /**
   * The servers named `name` — in every backend, or in `backend` — as a list (a name may exist in
   * several backends). @throws {NotFoundError} when there is none.
   */
  server(name: string, filter?: { backend?: string | undefined }, options?: CallOptions): Promise<Server[]> {
    return this.model.server(name, filter, options);
  }

  /** Each current process's `show info`, typed. */
  info(options?: CallOptions): Promise<ProcessInfo[]> {
    return this.model.info(options);
  }

  /** One `show info` metric (`HAPROXY_METRICS`) aggregated across processes by its catalogue rule. */
  metric(name: HAProxyMetric, options?: CallOptions): Promise<MetricValue> {
    return this.model.metric(name, options);
  }

  /** `clear counters` (or `clear counters all` with `{ all: true }`) on every current process. */
  clearCounters(options?: { all?: boolean | undefined } & CallOptions): Promise<void> {
    return this.model.clearCounters(options);
  }

  /** `show errors` (of one proxy, by id or name) on every current process. */
  errors(iid?: number | string, options?: CallOptions): Promise<ProcessErrors[]> {
    return this.model.errors(iid, options);
  }

  /**
   * Every frontend, backend and server with aggregated and per-process stats, from one dump per process.
   * With a master CLI, old workers left by a reload are dumped too and labelled (`process.current`
   * false, `role: 'old-worker'` in `perProcess`); `{ workers: 'current' }` leaves them out.
   */
  snapshot(options?: CallOptions & { workers?: 'current' | 'all' | undefined }): Promise<Snapshot> {
    return this.model.snapshot(options);
  }

  // ---- Runtime API extras (issue #8): reload, stick tables, sessions, resolvers, TLS. ----

  /**
   * Reload HAProxy through the master CLI and wait until `show proc` confirms it: resolves when a new
   * worker is current (the client then talks to it, and to the old workers still serving), rejects with
   * `ReloadFailedError` when HAProxy refused the new configuration (the old workers keep serving).
   * @throws {UnsupportedError} without a `master` source.
   */
  reload(options?: ReloadOptions): Promise<ReloadResult> {
    return reload(this.executor, options);
  }

  /** `show table`: every stick table, `used` summed over the current processes. */
  tables(options?: CallOptions): Promise<TableInfo[]> {
    return listTables(this.executor, options);
  }

  /**
   * `show table <name>` (optionally `{ key }` or `{ filter: { data, op, value } }`): entries merged by
   * key over the current processes (counters summed), each process's copy in `perProcess`.
   * @throws {NotFoundError} for an unknown table.
   */
  table(name: string, selector?: TableSelector, options?: CallOptions): Promise<TableContents> {
    return showTable(this.executor, name, selector, options);
  }

  /** `set table <name> key <key> data.<type> <value>…` on every current process. */
  setTableEntry(
    name: string,
    key: string | number,
    data?: Readonly<Record<string, number | bigint>>,
    options?: CallOptions,
  ): Promise<void> {
    return setTableEntry(this.executor, name, key, data, options);
  }

  /** `clear table <name> [key <k> | data filters]` on every current process (no selector: every unused entry). */
  clearTable(name: string, selector?: TableSelector, options?: CallOptions): Promise<void> {
    return clearTable(this.executor, name, selector, options);
  }

  /** `show sess` on every process (old workers included), each stream labelled with its process. */
  sessions(options?: CallOptions): Promise<Session[]> {
    return listSessions(this.executor, options);
  }

  /**
   * `shutdown session <ptr>`: a session from `sessions()` (its process only) or a bare pointer (every
   * process asked). @throws {NotFoundError} when no process has it.
   */
  shutdownSession(session: string | Pick<Session, 'ptr' | 'process'>, options?: CallOptions): Promise<void> {
    return shutdownSession(this.executor, session, options);
  }

  /** `show resolvers [<section>]` per current process (nameserver counters). */
  resolvers(section?: string, options?: CallOptions): Promise<ProcessResolvers[]> {
    return listResolvers(this.executor, section, options);
  }

  #ssl: SslApi | undefined;

  /** TLS certificates, crt-lists and OCSP responses (`show ssl cert`, `set/commit/abort ssl cert`, …). */
  get ssl(): SslApi {
    return (this.#ssl ??= new SslApi(this.executor));
  }

  // ---- servers, drain, events (issue #8) ----

  /** `show servers conn [<backend>]` on every current process, parsed (connection pools per server). */
  serversConn(backend?: string, options?: CallOptions): Promise<ProcessServersConn[]> {
    return this.model.serversConn(backend, options);
  }

  /**
   * Drain the servers named `name` — in `backend`, or in every backend that has one (`'all'`, the
   * default) — together: DRAIN on every current process, wait until their sessions (current and old
   * workers) reach 0 or the deadline, then MAINT. See `Server#drain()`.
   * @throws {NotFoundError} when no backend has such a server.
   */
  drainServer(name: string, options?: DrainOptions & { backend?: string | undefined }): Promise<DrainResult> {
    return this.model.drainServer(name, options);
  }

  /**
   * Drain several servers together (e.g. every server of a backend, or servers of several backends):
   * DRAIN on every current process, wait until all their sessions (current and old workers) reach 0
   * or the deadline, then MAINT. Each handle is looked up again by name on this client.
   * @throws {InvalidArgumentError} for an empty list. @throws {NotFoundError} for a server that is gone.
   */
  drainServers(servers: readonly Server[], options?: DrainOptions): Promise<DrainResult> {
    return this.model.drainServers(servers, options);
  }

  /**
   * State changes (server up/down, status, weight, maint/drain, backend and frontend status,
   * processes appearing/disappearing) seen between successive snapshots taken every `interval` ms.
   * Ends when `signal` aborts or the loop is left (`return()`); no timer stays behind.
   *
   * @example
   * for await (const event of hap.events({ interval: 500, signal })) console.log(event.type, event.object.key);
   */
  events(options?: EventsOptions): HAProxyEvents {
    return this.model.events(options);
  }

  /**
   * Re-discover the processes: with `socketDir`, processes started since `connect` are probed and
   * added and sockets that disappeared are dropped; behind a master, `show proc` is read again.
   * Handles keep working (they address objects by name). Returns the processes now known; rejects
   * when a source cannot be read again (the folder, a master). `connect({ watch })` runs it by itself.
   */
  refresh(options?: CallOptions): Promise<readonly ProcessRef[]> {
    return this.executor.refresh ? this.executor.refresh(options) : this.executor.processes(options);
  }

  /** Close every connection. */
  close(): Promise<void> {
    return this.executor.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
