import { inspect } from 'node:util';
import type { ProcessRef } from '../core/types.js';
import { aggregate, modeOf, type PerProcessValue, tryAggregate } from './aggregate.js';
import type { Backend } from './backend.js';
import type { Dumped, ModelContext } from './context.js';
import type { Frontend } from './frontend.js';
import { backendHandle, frontendHandle, serverHandle } from './lookup.js';
import { type StatValue, statRule } from './protocol.js';
import type { Server } from './server.js';
import type { StatIndex } from './stat-index.js';
import type { Located, ProcessStats } from './stat-object.js';

/**
 * One object in a {@link Snapshot}: its per-process rows as dumped, and its values aggregated
 * across processes with the catalogue rules (computed on first access, then kept).
 */
export class ObjectSnapshot<H> {
  readonly kind: 'frontend' | 'backend' | 'server';
  readonly name: string;
  /** `frontend:<name>`, `backend:<name>` or `<backend>/<server>`, as the handle's `key`. */
  readonly key: string;
  readonly #located: readonly Located[];
  #perProcess: readonly ProcessStats[] | undefined;
  readonly #makeHandle: () => H;
  #handle: H | undefined;
  #stats: Readonly<Record<string, StatValue>> | undefined;
  #inconsistent: string[] | undefined;

  /** @internal */
  constructor(
    kind: ObjectSnapshot<H>['kind'],
    name: string,
    key: string,
    located: readonly Located[],
    makeHandle: () => H,
  ) {
    this.kind = kind;
    this.name = name;
    this.key = key;
    this.#located = located;
    this.#makeHandle = makeHandle;
  }

  /** Every process's row (current and old workers) where the object exists. */
  get perProcess(): readonly ProcessStats[] {
    return (this.#perProcess ??= this.#located.map(({ process, row }) => ({ process, stats: row })));
  }

  /** The live handle of the object (same instance as `hap.server(…)` etc. return). */
  get handle(): H {
    return (this.#handle ??= this.#makeHandle());
  }

  /**
   * One field aggregated across processes (counters over every process, configuration and status
   * over current workers). @throws {InconsistentDataError} when current processes disagree.
   */
  value(field: string): StatValue {
    const rule = statRule(field);
    return aggregate(field, rule, this.#values(field, modeOf(rule)));
  }

  /** Every field aggregated; fields the current processes disagree on are left out (see {@link inconsistent}). */
  get stats(): Readonly<Record<string, StatValue>> {
    if (!this.#stats) this.#aggregateAll();
    return this.#stats!;
  }

  /** Names of the fields whose per-process values disagree (read them from {@link perProcess}). */
  get inconsistent(): readonly string[] {
    if (!this.#inconsistent) this.#aggregateAll();
    return this.#inconsistent!;
  }

  #values(field: string, mode: 'current' | 'all'): PerProcessValue[] {
    const values: PerProcessValue[] = [];
    const marked = field === 'check_status' || field === 'agent_status';
    for (const { process, row } of this.#located) {
      if (mode !== 'all' && !process.current) continue;
      const value = row[field] ?? null;
      // `* ` marks a check in progress, not a different status (see Server.checkStatus()).
      values.push({
        process,
        value: marked && typeof value === 'string' ? value.replace(/^\* /, '') : value,
      });
    }
    return values;
  }

  #aggregateAll(): void {
    const stats: Record<string, StatValue> = {};
    const inconsistent: string[] = [];
    const fields = new Set<string>();
    for (const { row } of this.#located) for (const field in row) fields.add(field);
    for (const field of fields) {
      const rule = statRule(field);
      const result = tryAggregate(field, rule, this.#values(field, modeOf(rule)));
      if (result.ok) stats[field] = result.value;
      else inconsistent.push(field);
    }
    this.#stats = stats;
    this.#inconsistent = inconsistent;
  }

  [inspect.custom](_depth: number, options: object): string {
    return `${this.kind} snapshot ${inspect({ key: this.key, processes: this.perProcess.length }, options)}`;
  }
}

export type FrontendSnapshot = ObjectSnapshot<Frontend>;
export type BackendSnapshot = ObjectSnapshot<Backend>;
export type ServerSnapshot = ObjectSnapshot<Server> & { readonly backendName: string };

/** Every frontend, backend and server of every process, from one `show stat` per process. */
export class Snapshot {
  /** When the dumps arrived. */
  readonly takenAt: Date;
  /** The processes dumped (current and old workers). */
  readonly processes: readonly ProcessRef[];
  readonly frontends: readonly FrontendSnapshot[];
  readonly backends: readonly BackendSnapshot[];
  readonly servers: readonly ServerSnapshot[];
  readonly #frontends: Map<string, FrontendSnapshot>;
  readonly #backends: Map<string, BackendSnapshot>;
  readonly #servers: Map<string, Map<string, Located[]>>;
  #serverEntries: Map<string, ServerSnapshot> | undefined;

  /** @internal */
  constructor(context: ModelContext, dumps: readonly Dumped<StatIndex>[]) {
    this.takenAt = new Date();
    this.processes = dumps.map(({ process }) => process);
    const all = this.processes;
    const current = all.filter((process) => process.current);
    const frontends = new Map<string, Located[]>();
    const backends = new Map<string, Located[]>();
    // backend → server → rows: no `backend/server` string is built per row, only per object.
    const servers = new Map<string, Map<string, Located[]>>();
    const add = (map: Map<string, Located[]>, key: string, located: Located) => {
      const list = map.get(key);
      if (list) list.push(located);
      else map.set(key, [located]);
    };
    for (const { process, value } of dumps) {
      for (const [name, row] of value.frontends) add(frontends, name, { process, row });
      for (const [name, row] of value.backends) add(backends, name, { process, row });
      for (const [backend, inBackend] of value.servers) {
        let group = servers.get(backend);
        if (!group) servers.set(backend, (group = new Map()));
        for (const [name, row] of inBackend) add(group, name, { process, row });
      }
    }
    const onCurrent = (located: readonly Located[]) => located.filter(({ process }) => process.current);
    this.frontends = [...frontends].map(
      ([name, located]) =>
        new ObjectSnapshot('frontend', name, `frontend:${name}`, located, () =>
          frontendHandle(context, name, onCurrent(located), current),
        ),
    );
    this.backends = [...backends].map(
      ([name, located]) =>
        new ObjectSnapshot('backend', name, `backend:${name}`, located, () =>
          backendHandle(context, name, onCurrent(located), current),
        ),
    );
    const list: ServerSnapshot[] = [];
    for (const [backendName, group] of servers) {
      for (const [name, located] of group) {
        const entry = new ObjectSnapshot('server', name, `${backendName}/${name}`, located, () =>
          serverHandle(context, backendName, name, onCurrent(located), current),
        ) as ServerSnapshot;
        Object.defineProperty(entry, 'backendName', { value: backendName, enumerable: true });
        list.push(entry);
      }
    }
    this.servers = list;
    this.#frontends = new Map(this.frontends.map((entry) => [entry.name, entry]));
    this.#backends = new Map(this.backends.map((entry) => [entry.name, entry]));
    this.#servers = servers;
    this.#serverEntries = undefined;
  }

  frontend(name: string): FrontendSnapshot | undefined {
    return this.#frontends.get(name);
  }

  backend(name: string): BackendSnapshot | undefined {
    return this.#backends.get(name);
  }

  server(backend: string, name: string): ServerSnapshot | undefined {
    if (!this.#servers.get(backend)?.has(name)) return undefined;
    this.#serverEntries ??= new Map(this.servers.map((entry) => [entry.key, entry]));
    return this.#serverEntries.get(`${backend}/${name}`);
  }

  [inspect.custom](_depth: number, options: object): string {
    return `Snapshot ${inspect(
      {
        takenAt: this.takenAt,
        processes: this.processes.length,
        frontends: this.frontends.length,
        backends: this.backends.length,
        servers: this.servers.length,
      },
      options,
    )}`;
  }
}
