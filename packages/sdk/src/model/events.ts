import type { CallOptions, ProcessRef } from '../core/types.js';
import { HAProxyError, InvalidArgumentError } from '../errors.js';
import type { Dumped, ModelContext } from './context.js';
import { Snapshot } from './snapshot.js';
import type { StatIndex } from './stat-index.js';
import type { Located } from './stat-object.js';
import type { StatRow } from './protocol.js';
import { sleep } from './wait.js';

/** Every kind of event `hap.events()` yields. */
export const EVENT_TYPES = [
  'process-appeared',
  'process-disappeared',
  'process-restarted',
  'frontend-status',
  'backend-status',
  'backend-up',
  'backend-down',
  'server-status',
  'server-up',
  'server-down',
  'server-weight',
  'server-maint-entered',
  'server-maint-left',
  'server-drain-entered',
  'server-drain-left',
  'server-added',
  'server-removed',
] as const;
export type HAProxyEventType = (typeof EVENT_TYPES)[number];

/** What an event is about. */
export interface EventObject {
  readonly kind: 'frontend' | 'backend' | 'server' | 'process';
  /** `frontend:<name>`, `backend:<name>`, `<backend>/<server>` (as handles' `key`), or the process key. */
  readonly key: string;
  readonly name: string;
  /** The backend of a server. */
  readonly backend?: string;
}

/** One change seen between two successive snapshots. */
export interface HAProxyEvent {
  readonly type: HAProxyEventType;
  readonly object: EventObject;
  /** The value before (status text, weight, process role), `null` when the object was absent. */
  readonly from: string | number | null;
  /** The value after, `null` when the object is gone. */
  readonly to: string | number | null;
  /**
   * The process where it changed; absent when it changed alike on every current process that
   * has the object (one event instead of one per process).
   */
  readonly process?: ProcessRef;
  /** When the change was seen (the later snapshot's time). */
  readonly at: Date;
}

export interface EventsOptions {
  /** Time between two snapshots in ms (default 1000, at least 10). */
  interval?: number | undefined;
  /** Ends the iteration (it completes; no error). */
  signal?: AbortSignal | undefined;
  /** Only these event types (default all). */
  kinds?: readonly HAProxyEventType[] | undefined;
  /** Time budget of each snapshot in ms (default: the client's). */
  timeout?: number | undefined;
  /**
   * Keep iterating when no process at all answers a snapshot (a single HAProxy restarting, a host
   * down): every process is reported `process-disappeared`, then `process-appeared` when it answers
   * again. Default `false`: the iteration ends with that socket error. Other errors (the client
   * closed, bad options) always end it.
   */
  tolerateOutages?: boolean | undefined;
}

const upLike = (status: string) => /^(?:UP|no check|DRAIN|NOLB|OPEN)/.test(status);
const downLike = (status: string) => /^(?:DOWN|MAINT|STOP)/.test(status);

interface Change {
  type: HAProxyEventType;
  from: string | number | null;
  to: string | number | null;
}

function serverChanges(before: StatRow, after: StatRow): Change[] {
  const changes: Change[] = [];
  const from = String(before.status ?? '');
  const to = String(after.status ?? '');
  if (from !== to) {
    changes.push({ type: 'server-status', from, to });
    if (downLike(from) && upLike(to)) changes.push({ type: 'server-up', from, to });
    if (upLike(from) && downLike(to)) changes.push({ type: 'server-down', from, to });
    const maint = /^MAINT/;
    if (!maint.test(from) && maint.test(to)) changes.push({ type: 'server-maint-entered', from, to });
    if (maint.test(from) && !maint.test(to)) changes.push({ type: 'server-maint-left', from, to });
    const drain = /^DRAIN/;
    if (!drain.test(from) && drain.test(to)) changes.push({ type: 'server-drain-entered', from, to });
    if (drain.test(from) && !drain.test(to)) changes.push({ type: 'server-drain-left', from, to });
  }
  const weight = (row: StatRow) => row.uweight ?? row.weight ?? null;
  const wFrom = weight(before);
  const wTo = weight(after);
  if (wFrom !== wTo)
    changes.push({ type: 'server-weight', from: wFrom as number | null, to: wTo as number | null });
  return changes;
}

function backendChanges(before: StatRow, after: StatRow): Change[] {
  const from = String(before.status ?? '');
  const to = String(after.status ?? '');
  if (from === to) return [];
  const changes: Change[] = [{ type: 'backend-status', from, to }];
  if (downLike(from) && upLike(to)) changes.push({ type: 'backend-up', from, to });
  if (upLike(from) && downLike(to)) changes.push({ type: 'backend-down', from, to });
  return changes;
}

function frontendChanges(before: StatRow, after: StatRow): Change[] {
  const from = String(before.status ?? '');
  const to = String(after.status ?? '');
  return from === to ? [] : [{ type: 'frontend-status', from, to }];
}

/**
 * The events between two snapshots. Objects are compared on the current processes present in
 * both; a change seen alike on every one of them is one event without `process`.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): HAProxyEvent[] {
  const at = after.takenAt;
  const events: HAProxyEvent[] = [];
  const beforeKeys = new Map(before.processes.map((process) => [process.key, process]));
  const afterKeys = new Map(after.processes.map((process) => [process.key, process]));
  for (const [key, process] of afterKeys) {
    if (!beforeKeys.has(key)) {
      events.push({
        type: 'process-appeared',
        object: { kind: 'process', key, name: process.endpoint },
        from: null,
        to: process.role,
        process,
        at,
      });
    }
  }
  for (const [key, process] of beforeKeys) {
    if (!afterKeys.has(key)) {
      events.push({
        type: 'process-disappeared',
        object: { kind: 'process', key, name: process.endpoint },
        from: process.role,
        to: null,
        process,
        at,
      });
    }
  }
  for (const [key, process] of afterKeys) {
    const was = beforeKeys.get(key);
    // The same socket answered by another pid: the process restarted behind it (its counters and
    // runtime changes start over, which the events below then report as changes).
    if (was?.pid !== undefined && process.pid !== undefined && was.pid !== process.pid) {
      events.push({
        type: 'process-restarted',
        object: { kind: 'process', key, name: process.endpoint },
        from: was.pid,
        to: process.pid,
        process,
        at,
      });
    }
  }
  const common = new Set(
    after.processes.filter((process) => process.current && beforeKeys.has(process.key)).map((p) => p.key),
  );
  const compare = (
    object: EventObject,
    was: readonly Located[] | undefined,
    now: readonly Located[] | undefined,
    diff: (a: StatRow, b: StatRow) => Change[],
  ) => {
    const old = new Map((was ?? []).map(({ process, row }) => [process.key, row]));
    const groups = new Map<string, { change: Change; processes: ProcessRef[] }>();
    let holders = 0;
    for (const { process, row } of now ?? []) {
      if (!common.has(process.key)) continue;
      const previous = old.get(process.key);
      if (!previous) continue;
      holders++;
      for (const change of diff(previous, row)) {
        const id = `${change.type}\u0000${String(change.from)}\u0000${String(change.to)}`;
        const group = groups.get(id);
        if (group) group.processes.push(process);
        else groups.set(id, { change, processes: [process] });
      }
    }
    for (const { change, processes } of groups.values()) {
      if (processes.length === holders) events.push({ ...change, object, at });
      else for (const process of processes) events.push({ ...change, object, process, at });
    }
  };
  const located = (entry: { perProcess: readonly { process: ProcessRef; stats: StatRow }[] } | undefined) =>
    entry?.perProcess.map(({ process, stats }) => ({ process, row: stats as StatRow }));
  for (const entry of after.frontends) {
    compare(
      { kind: 'frontend', key: entry.key, name: entry.name },
      located(before.frontend(entry.name)),
      located(entry),
      frontendChanges,
    );
  }
  for (const entry of after.backends) {
    compare(
      { kind: 'backend', key: entry.key, name: entry.name },
      located(before.backend(entry.name)),
      located(entry),
      backendChanges,
    );
  }
  const onCurrent = (entry: { perProcess: readonly { process: ProcessRef }[] } | undefined) =>
    (entry?.perProcess ?? []).filter(({ process }) => process.current && common.has(process.key)).length;
  for (const entry of after.servers) {
    const object: EventObject = {
      kind: 'server',
      key: entry.key,
      name: entry.name,
      backend: entry.backendName,
    };
    const previous = before.server(entry.backendName, entry.name);
    if (onCurrent(entry) > 0 && onCurrent(previous) === 0) {
      events.push({
        type: 'server-added',
        object,
        from: null,
        to: String(entry.perProcess[0]?.stats.status ?? ''),
        at,
      });
      continue;
    }
    compare(object, located(previous), located(entry), serverChanges);
  }
  for (const entry of before.servers) {
    if (onCurrent(entry) > 0 && onCurrent(after.server(entry.backendName, entry.name)) === 0) {
      events.push({
        type: 'server-removed',
        object: { kind: 'server', key: entry.key, name: entry.name, backend: entry.backendName },
        from: String(entry.perProcess[0]?.stats.status ?? ''),
        to: null,
        at,
      });
    }
  }
  return events;
}

/** A snapshot of the processes that answered (those that did not count as disappeared). */
async function take(context: ModelContext, options: CallOptions): Promise<Snapshot> {
  const dumps = await context.stats.read('*', options);
  const ok: Dumped<StatIndex>[] = [];
  let firstError: Error | undefined;
  for (const dump of dumps) {
    if (dump.ok) ok.push({ process: dump.process, value: dump.value });
    else firstError ??= dump.error;
  }
  if (ok.length === 0 && firstError) throw firstError;
  return new Snapshot(context, ok);
}

function validateEventsOptions(options: EventsOptions): {
  interval: number;
  kinds: Set<HAProxyEventType> | undefined;
} {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('events options must be an object', {
      argument: 'options',
      value: options,
    });
  }
  if (options.tolerateOutages !== undefined && typeof options.tolerateOutages !== 'boolean') {
    throw new InvalidArgumentError('tolerateOutages must be a boolean', {
      argument: 'tolerateOutages',
      value: options.tolerateOutages,
    });
  }
  const interval = options.interval ?? 1000;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 10) {
    throw new InvalidArgumentError('interval must be a number of ms >= 10', {
      argument: 'interval',
      value: interval,
    });
  }
  let kinds: Set<HAProxyEventType> | undefined;
  if (options.kinds !== undefined) {
    if (!Array.isArray(options.kinds)) {
      throw new InvalidArgumentError('kinds must be an array of event types', {
        argument: 'kinds',
        value: options.kinds,
      });
    }
    for (const kind of options.kinds) {
      if (!(EVENT_TYPES as readonly string[]).includes(kind)) {
        throw new InvalidArgumentError(`unknown event type ${JSON.stringify(kind)}`, {
          argument: 'kinds',
          value: kind,
        });
      }
    }
    kinds = new Set(options.kinds);
  }
  return { interval, kinds };
}

/**
 * What `hap.events()` returns: an async iterator of {@link HAProxyEvent}s that can be ended with
 * `return()` (or `await using`).
 */
export interface HAProxyEvents extends AsyncIterableIterator<HAProxyEvent> {
  /** End the iteration now: a pending `next()` resolves `done`, no timer is left. */
  return(): Promise<IteratorResult<HAProxyEvent, undefined>>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The async iterator behind `hap.events()`: a snapshot, then every `interval` another one, and the
 * changes between them. Ends (`done`) when the signal aborts or `return()` is called, at once, even
 * while it waits; no timer is left behind. A failed snapshot (every process unreachable) ends the
 * iteration with that error.
 */
export class EventStream implements HAProxyEvents {
  readonly #context: ModelContext;
  readonly #interval: number;
  readonly #kinds: Set<HAProxyEventType> | undefined;
  readonly #timeout: number | undefined;
  readonly #tolerateOutages: boolean;
  readonly #stop = new AbortController();
  readonly #userSignal: AbortSignal | undefined;
  readonly #onUserAbort = () => this.#stop.abort();
  readonly #queue: HAProxyEvent[] = [];
  #previous: Snapshot | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #done = false;

  /** @internal Use `hap.events()`. */
  constructor(context: ModelContext, options: EventsOptions = {}) {
    const { interval, kinds } = validateEventsOptions(options);
    this.#context = context;
    this.#interval = interval;
    this.#kinds = kinds;
    this.#timeout = options.timeout;
    this.#tolerateOutages = options.tolerateOutages === true;
    this.#userSignal = options.signal;
    if (this.#userSignal?.aborted) this.#finish();
    else this.#userSignal?.addEventListener('abort', this.#onUserAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<HAProxyEvent, undefined>> {
    // One pull at a time, in order.
    const result = this.#chain.then(() => this.#pull());
    this.#chain = result.catch(() => undefined);
    return result;
  }

  return(): Promise<IteratorResult<HAProxyEvent, undefined>> {
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #pull(): Promise<IteratorResult<HAProxyEvent, undefined>> {
    const signal = this.#stop.signal;
    for (;;) {
      const event = this.#queue.shift();
      if (event) return { value: event, done: false };
      if (this.#done) return { value: undefined, done: true };
      try {
        const call = { signal, timeout: this.#timeout };
        if (!this.#previous) this.#previous = await this.#take(call);
        await sleep(this.#interval, signal);
        const next = await this.#take(call);
        for (const found of diffSnapshots(this.#previous, next)) {
          if (!this.#kinds || this.#kinds.has(found.type)) this.#queue.push(found);
        }
        this.#previous = next;
      } catch (error) {
        if (signal.aborted) {
          this.#finish();
          return { value: undefined, done: true };
        }
        this.#finish();
        throw error;
      }
    }
  }

  /** A snapshot; with `tolerateOutages`, an empty one when no process answered (a socket fault). */
  async #take(call: CallOptions): Promise<Snapshot> {
    try {
      return await take(this.#context, call);
    } catch (error) {
      const outage =
        this.#tolerateOutages &&
        !call.signal?.aborted &&
        HAProxyError.isInstance(error) &&
        error.code.startsWith('HAPROXY_ERR_SOCKET');
      if (!outage) throw error;
      return new Snapshot(this.#context, []);
    }
  }

  #finish(): void {
    this.#done = true;
    this.#queue.length = 0;
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
    this.#stop.abort();
  }
}
