import type { AnyPlugin, ArgsWithOptions, Command, PluginNamespaces } from './plugin/types.js';
import { checkPlugins, installPlugins } from './plugin/install.js';
import { executeCommand } from './plugin/execute.js';
import { createExecutor } from './core/create-executor.js';
import type { CallOptions, Executor, ProcessOutcome } from './core/types.js';

/** Where the processes are and how to talk to them. Sources may be mixed; at least one is required. */
export interface ConnectOptions<P extends readonly AnyPlugin[] = readonly AnyPlugin[]> {
  /** Every HAProxy stats socket in this folder (other files and non-HAProxy sockets are skipped). */
  socketDir?: string | undefined;
  /** One stats socket. */
  socketFile?: string | undefined;
  /** Explicit endpoints: `unix:///path`, `/path`, `tcp://host:port`, `host:port`, `[ipv6]:port`. */
  endpoints?: readonly string[] | undefined;
  /** A master CLI socket (`unix:///path` or path, or `tcp://…`): every worker, current and old. */
  master?: string | undefined;
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
    const executor = options.executor ?? (await createExecutor(options));
    const hap = new HAProxy(executor, options);
    installPlugins(hap, options.plugins ?? []);
    return hap as HAProxy & PluginNamespaces<P>;
  }

  /**
   * Send a raw command line, unescaped, to every current process; returns each process's outcome.
   * Use `serializeCommand()` to build lines from untrusted input.
   */
  command(line: string, options?: CallOptions): Promise<ProcessOutcome<string>[]> {
    return this.executor.run(line, { ...options, targets: 'current' });
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
    return executeCommand(this.executor, command, args);
  }

  /** Close every connection. */
  close(): Promise<void> {
    return this.executor.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
