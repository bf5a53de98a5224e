import { inspect } from 'node:util';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { aggregate, modeOf, type PerProcessValue } from './aggregate.js';
import type { Dumped, ModelContext, ReadMode } from './context.js';
import type { Scope } from './dump-source.js';
import { type AggregationRule, type StatRow, type StatValue, statRule } from './protocol.js';
import type { StatIndex } from './stat-index.js';

/** Rows of each object in each delivered dump (weakly held by the dump: gone with it). */
const rowsMemo = new WeakMap<readonly Dumped<StatIndex>[], Map<string, Located[]>>();

/** Aggregate one field of the rows found with its rule. */
export function aggregateField(field: string, rule: AggregationRule, found: readonly Located[]): StatValue {
  const values: PerProcessValue[] = new Array(found.length);
  for (let index = 0; index < found.length; index++) {
    const { process, row } = found[index]!;
    values[index] = { process, value: row[field] ?? null };
  }
  return aggregate(field, rule, values);
}

/** One process's full stats row of an object. */
export interface ProcessStats {
  readonly process: ProcessRef;
  readonly stats: Readonly<StatRow>;
}

/** A numeric stat aggregated across processes: `null` when HAProxy leaves the field empty. */
export type MetricValue = number | bigint | null;

export interface Located {
  readonly process: ProcessRef;
  readonly row: StatRow;
}

/** `processNb`: the pid of each process where known, else its 1-based position among the processes. */
export function processNumbers(processes: readonly ProcessRef[], all: readonly ProcessRef[]): number[] {
  return processes.map((process) => process.pid ?? all.indexOf(process) + 1);
}

/** HTTP objects count requests (`req_tot`); TCP ones have none, so their sessions (`stot`) count. */
export function requestsOf(row: StatRow): MetricValue {
  const value = row.mode === 'tcp' ? row.stot : (row.req_tot ?? row.stot);
  return typeof value === 'number' || typeof value === 'bigint' ? value : null;
}

/**
 * What frontends, backends and servers share: every read looks the object up **by name** in one
 * (coalesced) `show stat` per process, so a reload that renumbers ids never makes a handle read
 * another object's data; an object gone from every process rejects with `NotFoundError`.
 * @internal
 */
export abstract class StatObject {
  /** @internal */
  protected readonly context: ModelContext;
  /** Source-independent identity; see the class docs of each kind. */
  abstract readonly key: string;
  #processes: readonly ProcessRef[] = [];
  #processNb: readonly number[] = [];
  #id = 0;

  /** Every process the object was found on at the last lookup: its pid (1-based position when unknown). */
  get processNb(): readonly number[] {
    return this.#processNb;
  }

  /** The processes the object was found on at the last lookup. */
  get processes(): readonly ProcessRef[] {
    return this.#processes;
  }

  /** @internal The iid (frontend, backend) or sid (server) captured at the last lookup. */
  protected get capturedId(): number {
    return this.#id;
  }

  protected abstract readonly kind: 'frontend' | 'backend' | 'server';
  protected abstract readonly metricNames: readonly string[];

  protected abstract readonly scope: Scope;
  protected abstract find(index: StatIndex): StatRow | undefined;

  protected constructor(context: ModelContext) {
    this.context = context;
  }

  /** @internal The id column of this kind (`iid` or `sid`). */
  protected abstract readonly idField: 'iid' | 'sid';

  /** @internal Refresh the properties captured at lookup (id of the first process, processes). */
  capture(found: readonly Located[], all: readonly ProcessRef[]): void {
    this.#id = Number(found[0]?.row[this.idField] ?? 0);
    this.#processes = found.map(({ process }) => process);
    this.#processNb = processNumbers(this.#processes, all);
  }

  /**
   * @internal Run `compute` on this object's rows in the dumps a read needs (one promise per read;
   * rows found once per delivered dump and shared by every read of this object in it).
   * @throws {NotFoundError} when no needed process has the object.
   */
  protected read<R>(
    mode: ReadMode,
    options: CallOptions | undefined,
    compute: (found: Located[]) => R,
  ): Promise<R> {
    return this.context.statDumps(this.scope, mode, options).then((dumps) => compute(this.#found(dumps)));
  }

  #found(dumps: readonly Dumped<StatIndex>[]): Located[] {
    let memo = rowsMemo.get(dumps);
    if (!memo) rowsMemo.set(dumps, (memo = new Map()));
    let found = memo.get(this.key);
    if (!found) {
      found = [];
      for (const { process, value } of dumps) {
        const row = this.find(value);
        if (row) found.push({ process, row });
      }
      memo.set(this.key, found);
    }
    if (found.length === 0)
      throw new NotFoundError(this.kind, this.key.replace(/^(?:frontend|backend):/, ''));
    return found;
  }

  /** @internal The rows of this object on the processes a read needs. */
  protected locate(mode: ReadMode, options?: CallOptions): Promise<Located[]> {
    return this.read(mode, options, (found) => found);
  }

  /** @internal Read one field aggregated with its rule. */
  protected field(field: string, rule: AggregationRule, options?: CallOptions): Promise<StatValue> {
    return this.read(modeOf(rule), options, (found) => aggregateField(field, rule, found));
  }

  /**
   * One metric aggregated across processes by its catalogue rule (counters summed over current and
   * old workers, maxima maxed, times averaged, limits and configuration compared).
   * @throws {InvalidArgumentError} for a name that is not a metric of this kind (before sending).
   */
  metric(name: string, options?: CallOptions): Promise<MetricValue> {
    if (typeof name !== 'string' || !this.metricNames.includes(name)) {
      return Promise.reject(
        new InvalidArgumentError(`${JSON.stringify(name)} is not a ${this.kind} metric`, {
          argument: 'name',
          value: name,
        }),
      );
    }
    const rule = statRule(name);
    return this.read(modeOf(rule), options, (found) => {
      const value = aggregateField(name, rule, found);
      return typeof value === 'string' ? null : value;
    });
  }

  /** Every process's full stats row (current and old workers). */
  async statsPerProcess(options?: CallOptions): Promise<ProcessStats[]> {
    return (await this.locate('all', options)).map(({ process, row }) => ({ process, stats: row }));
  }

  /** Requests (`req_tot`; sessions `stot` for TCP objects) summed over every process. */
  async requests(options?: CallOptions): Promise<number | bigint> {
    let total: number | bigint = 0;
    for (const { value } of await this.requestsPerProcess(options)) {
      if (value === null) continue;
      total =
        typeof total === 'bigint' || typeof value === 'bigint'
          ? BigInt(total) + BigInt(value)
          : total + value;
    }
    return total;
  }

  /** Each process's request count (see {@link requests}). */
  async requestsPerProcess(options?: CallOptions): Promise<PerProcessValue<MetricValue>[]> {
    return (await this.locate('all', options)).map(({ process, row }) => ({
      process,
      value: requestsOf(row),
    }));
  }

  /** The status (`OPEN`, `STOP`, `UP`, `DOWN`, `MAINT`, `DRAIN`, `no check`, …), which every current process must agree on. */
  status(options?: CallOptions): Promise<string> {
    return this.read('current', options, (found) => String(aggregateField('status', 'same', found) ?? ''));
  }

  /** The same object: same kind and key. */
  equals(other: unknown): boolean {
    return other instanceof StatObject && other.constructor === this.constructor && other.key === this.key;
  }

  toString(): string {
    return `${this.constructor.name}(${this.key})`;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, key: this.key, ...this.describe() };
  }

  protected abstract describe(): Record<string, unknown>;

  [inspect.custom](_depth: number, options: object): string {
    const shown = { key: this.key, ...this.describe(), processNb: this.processNb };
    return `${this.constructor.name} ${inspect(shown, { ...options, breakLength: Number.POSITIVE_INFINITY })}`;
  }
}
