import { settle } from '../core/settle.js';
import type { CallOptions, Executor, ProcessOutcome, ProcessRef, Targets } from '../core/types.js';
import { CommandFailedError, NotFoundError } from '../errors.js';
import { DumpSource, type ProcessDump, type Scope } from './dump-source.js';
import { type InfoRecord, parseInfo } from './protocol.js';
import { emptyStatIndex, indexStat, type StatIndex } from './stat-index.js';
import { serializeCommand } from '@haproxyadmin/protocol';

/** Which processes a read needs: `current` workers (configuration, status) or `all` (counters). */
export type ReadMode = 'current' | 'all';

export interface Dumped<T> {
  readonly process: ProcessRef;
  readonly value: T;
}

/** What a write accepts as success; by default an empty reply or an idempotent no-op notice. */
export type ReplyCheck = (reply: string) => boolean;

const NO_OP =
  /^(All sockets are already (disabled|enabled)\.|Frontend was already shut down\.|nothing changed)/;
export const silentSuccess: ReplyCheck = (reply) => reply.trim() === '' || NO_OP.test(reply.trim());

export interface WriteSpec {
  readonly line: string;
  /** Default `current`: HAProxy refuses writes on a stopping worker. */
  readonly targets?: Targets;
}

/**
 * The state the object model shares per client: the coalescing `show stat` / `show info` sources,
 * the write path (which invalidates dumps in flight), and the identity map of handles.
 * @internal
 */
export class ModelContext {
  readonly stats: DumpSource<StatIndex>;
  readonly info: DumpSource<InfoRecord>;
  readonly #handles = new Map<string, WeakRef<object>>();
  readonly #registry = new FinalizationRegistry<string>((key) => {
    const ref = this.#handles.get(key);
    if (ref && ref.deref() === undefined) this.#handles.delete(key);
  });

  constructor(readonly executor: Executor) {
    this.stats = new DumpSource(executor, {
      command: (proxy) => (proxy === undefined ? 'show stat' : serializeCommand('show stat', proxy, -1, -1)),
      parse: indexStat,
      empty: emptyStatIndex,
    });
    this.info = new DumpSource(executor, {
      command: () => 'show info',
      parse: parseInfo,
      empty: () => ({}),
    });
  }

  /** The `show stat` of every process a read needs; rejects (like `settle`) if one of them failed. */
  statDumps(scope: Scope, mode: ReadMode, options?: CallOptions): Promise<Dumped<StatIndex>[]> {
    return this.stats.read(scope, options).then((dumps) => select('show stat', dumps, mode));
  }

  infoDumps(mode: ReadMode, options?: CallOptions): Promise<Dumped<InfoRecord>[]> {
    return this.info.read('*', options).then((dumps) => select('show info', dumps, mode));
  }

  /**
   * A command the model did not build (`hap.command()`, a plugin command) starts or ends: dumps in
   * flight may not reflect it, so no later read joins them.
   */
  invalidateDumps(): void {
    this.stats.invalidate();
    this.info.invalidate();
  }

  /**
   * Send writes (each to its targets, all concurrently) and resolve when every process applied
   * them; otherwise reject with the `AggregateProcessError` of `settle()`. Replies that `check`
   * refuses count as failures. Dumps in flight are invalidated at start and at completion.
   */
  async write(
    specs: readonly WriteSpec[],
    options: CallOptions | undefined,
    { idempotent, check = silentSuccess }: { idempotent: boolean; check?: ReplyCheck },
  ): Promise<ProcessOutcome<string>[]> {
    this.invalidateDumps();
    try {
      const runs = await Promise.all(
        specs.map(async ({ line, targets = 'current' }) => {
          const outcomes = await this.executor.run(line, {
            targets,
            idempotent,
            signal: options?.signal,
            timeout: options?.timeout,
          });
          return outcomes.map((outcome): ProcessOutcome<string> => {
            if (outcome.ok && !check(outcome.value)) {
              return {
                process: outcome.process,
                ok: false,
                error: new CommandFailedError(line, outcome.value),
              };
            }
            return outcome;
          });
        }),
      );
      const outcomes = runs.flat();
      if (outcomes.length === 0)
        throw new NotFoundError('process', 'current', { message: 'no HAProxy process to write to' });
      settle(specs.length === 1 ? specs[0]!.line : specs.map(({ line }) => line).join(' / '), outcomes);
      return outcomes;
    } finally {
      this.invalidateDumps();
    }
  }

  /**
   * The one handle of an object within this client (interned by key while referenced), so that
   * repeated lookups give `===` objects usable as Map/Set keys; `update` refreshes the properties
   * captured at lookup (iid, sid, processes).
   */
  intern<H extends object>(key: string, create: () => H, update: (handle: H) => void): H {
    const existing = this.#handles.get(key)?.deref() as H | undefined;
    if (existing) {
      update(existing);
      return existing;
    }
    const handle = create();
    this.#handles.set(key, new WeakRef(handle));
    this.#registry.register(handle, key);
    return handle;
  }
}

const selections = new WeakMap<readonly ProcessDump<unknown>[], Map<ReadMode, Dumped<unknown>[] | Error>>();

/**
 * The dumps a read needs, as `settle()` would give them. Memoized per delivered dump, since every
 * reader that shared a dump asks the same question (6,000 coalesced reads, one answer).
 */
function select<T>(command: string, dumps: readonly ProcessDump<T>[], mode: ReadMode): Dumped<T>[] {
  let cache = selections.get(dumps);
  if (!cache) selections.set(dumps, (cache = new Map()));
  let selected = cache.get(mode);
  if (!selected) {
    const needed = mode === 'all' ? dumps : dumps.filter((dump) => dump.process.current);
    try {
      const values = settle(command, needed);
      selected = values.map((value, index) => ({ process: needed[index]!.process, value }));
    } catch (error) {
      selected = error instanceof Error ? error : new Error(String(error));
    }
    cache.set(mode, selected);
  }
  if (selected instanceof Error) throw selected;
  return selected as Dumped<T>[];
}
