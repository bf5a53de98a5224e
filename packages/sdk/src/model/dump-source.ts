import { CommandFailedError } from '../errors.js';
import type { CallOptions, Executor, ProcessOutcome, ProcessRef } from '../core/types.js';

/** One process's parsed dump, or why it could not be had. */
export type ProcessDump<T> =
  | { readonly process: ProcessRef; readonly ok: true; readonly value: T }
  | { readonly process: ProcessRef; readonly ok: false; readonly error: Error };

/** The scope of a dump: every object (`*`) or one proxy's rows (frontend, servers, backend). */
export type Scope = '*' | { readonly proxy: string };

interface Batch<T> {
  readonly timeout: number | undefined;
  readonly proxies: Set<string>;
  all: boolean;
  /** One promise shared by every reader of the batch. */
  readonly promise: Promise<ProcessDump<T>[]>;
  resolve(value: ProcessDump<T>[]): void;
  reject(error: unknown): void;
}

interface Flight<T> {
  readonly generation: number;
  readonly timeout: number | undefined;
  /** The proxy the flight is narrowed to, or undefined for a full dump. */
  readonly proxy: string | undefined;
  readonly promise: Promise<ProcessDump<T>[]>;
}

export interface DumpSourceOptions<T> {
  /** The command line for a full dump and for one proxy's dump (`undefined` = no narrow form). */
  command(proxy: string | undefined): string;
  /** Parse one process's reply. Called once per process per dump, however many readers share it. */
  parse(text: string): T;
  /** The parsed value of a process that does not have the proxy (`No such proxy.`). */
  empty(): T;
}

/**
 * Coalesces reads into one dump per process.
 *
 * Reads issued in the same turn of the event loop are batched (flushed with `setImmediate`): a
 * batch that asks for a single proxy is served by a narrow `show stat <proxy> -1 -1`, anything
 * else by one full dump. A read also joins a dump already in flight, unless a write started or
 * completed since that dump was sent (`generation`): a read issued after a write completed always
 * sees the write. Nothing is kept once a dump has been delivered — this is an in-flight cache, not
 * a stale one. Every dump goes to every process (current and old workers); each read then picks
 * the processes it needs, so that a config read and a counter read issued together share a dump.
 */
export class DumpSource<T> {
  #generation = 0;
  readonly #flights = new Set<Flight<T>>();
  readonly #batches = new Map<number | undefined, Batch<T>>();
  /** How many dumps were sent (one per process each); for tests and diagnostics. */
  dumps = 0;

  constructor(
    private readonly executor: Executor,
    private readonly options: DumpSourceOptions<T>,
  ) {}

  /** A write starts or ends: dumps in flight may not reflect it, so no new reader joins them. */
  invalidate(): void {
    this.#generation++;
  }

  read(scope: Scope, options: CallOptions = {}): Promise<ProcessDump<T>[]> {
    const { signal, timeout } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const proxy = scope === '*' ? undefined : scope.proxy;
    let shared: Promise<ProcessDump<T>[]> | undefined;
    for (const flight of this.#flights) {
      if (
        flight.generation === this.#generation &&
        flight.timeout === timeout &&
        (flight.proxy === undefined || flight.proxy === proxy)
      ) {
        shared = flight.promise;
        break;
      }
    }
    if (!shared) {
      let batch = this.#batches.get(timeout);
      if (!batch) {
        let resolve!: Batch<T>['resolve'];
        let reject!: Batch<T>['reject'];
        const promise = new Promise<ProcessDump<T>[]>((onResolve, onReject) => {
          resolve = onResolve;
          reject = onReject;
        });
        const created: Batch<T> = { timeout, proxies: new Set(), all: false, promise, resolve, reject };
        batch = created;
        this.#batches.set(timeout, created);
        setImmediate(() => this.#flush(created));
      }
      if (proxy === undefined) batch.all = true;
      else batch.proxies.add(proxy);
      shared = batch.promise;
    }
    return signal ? raceSignal(shared, signal) : shared;
  }

  #flush(batch: Batch<T>): void {
    if (this.#batches.get(batch.timeout) === batch) this.#batches.delete(batch.timeout);
    const proxy = !batch.all && batch.proxies.size === 1 ? [...batch.proxies][0] : undefined;
    const promise = this.#dump(proxy, batch.timeout);
    const flight: Flight<T> = { generation: this.#generation, timeout: batch.timeout, proxy, promise };
    this.#flights.add(flight);
    promise.then(
      (dumps) => {
        this.#flights.delete(flight);
        batch.resolve(dumps);
      },
      (error: unknown) => {
        this.#flights.delete(flight);
        batch.reject(error);
      },
    );
  }

  async #dump(proxy: string | undefined, timeout: number | undefined): Promise<ProcessDump<T>[]> {
    const line = this.options.command(proxy);
    // No caller's signal here: the dump is shared; each caller races its own signal instead.
    const options = { idempotent: true, timeout } as const;
    this.dumps++;
    const processes = await this.executor.processes();
    if (processes.length > 1 && processes.every((process) => process.role === 'standalone')) {
      // Independent sockets: one run per process, so that each reply is parsed while the others
      // are still arriving. (Behind a master, one run to `all` also reports unreachable workers.)
      const parts = await Promise.all(
        processes.map((process) =>
          this.executor
            .run(line, { ...options, targets: [process] })
            .then((outcomes) => outcomes.map((outcome) => this.#parse(outcome, proxy))),
        ),
      );
      return parts.flat();
    }
    const outcomes = await this.executor.run(line, { ...options, targets: 'all' });
    return outcomes.map((outcome) => this.#parse(outcome, proxy));
  }

  #parse(outcome: ProcessOutcome<string>, proxy: string | undefined): ProcessDump<T> {
    const { process } = outcome;
    if (!outcome.ok) {
      if (
        proxy !== undefined &&
        outcome.error instanceof CommandFailedError &&
        outcome.error.response.startsWith('No such proxy.')
      ) {
        return { process, ok: true, value: this.options.empty() };
      }
      return { process, ok: false, error: outcome.error };
    }
    try {
      return { process, ok: true, value: this.options.parse(outcome.value) };
    } catch (error) {
      return { process, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
