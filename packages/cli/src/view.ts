/**
 * Turns the SDK's `snapshot()` (one stats dump per process) into the rows the tables and `--json`
 * print: every frontend, backend and server with its aggregated stats and each process's stats.
 */
import type { Client, ProcessRef, StatValue } from './sdk-types.js';

export type Stats = Record<string, StatValue>;

export interface ProcessStats {
  process: ProcessRef;
  stats: Stats;
}

export interface StatObject {
  kind: 'frontend' | 'backend' | 'server';
  name: string;
  /** The backend of a server. */
  backend?: string | undefined;
  /** Aggregated over processes (sums for counters, same-or-inconsistent for status…). */
  stats: Stats;
  /** Fields the processes disagree on (left out of `stats`; see `perProcess`). */
  inconsistent: string[];
  perProcess: ProcessStats[];
}

export interface StatsView {
  processes: ProcessRef[];
  frontends: StatObject[];
  backends: StatObject[];
  servers: StatObject[];
}

/** What every snapshot entry has, whatever its kind. */
interface SnapshotObject {
  readonly name: string;
  readonly stats: Readonly<Record<string, StatValue>>;
  readonly inconsistent: readonly string[];
  readonly perProcess: ReadonlyArray<{
    readonly process: ProcessRef;
    readonly stats: Readonly<Record<string, StatValue>>;
  }>;
}

function objectOf(kind: StatObject['kind'], item: SnapshotObject, backend?: string): StatObject {
  return {
    kind,
    name: item.name,
    backend,
    stats: { ...item.stats },
    inconsistent: [...item.inconsistent],
    perProcess: item.perProcess.map((entry) => ({ process: entry.process, stats: { ...entry.stats } })),
  };
}

/** One snapshot of everything (one stats dump per process), normalised for printing. */
export async function loadStats(hap: Client, options?: { signal?: AbortSignal }): Promise<StatsView> {
  const snapshot = await hap.snapshot(options);
  return {
    processes: [...snapshot.processes],
    frontends: snapshot.frontends.map((item) => objectOf('frontend', item)),
    backends: snapshot.backends.map((item) => objectOf('backend', item)),
    servers: snapshot.servers.map((item) => objectOf('server', item, item.backendName)),
  };
}

/** A number from a stat value (null when absent or not numeric). */
export function num(value: StatValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return null;
}

/** Status across processes: the common value, or `MIXED` when processes disagree. */
export function statusOf(object: StatObject): string {
  const values = object.perProcess.map((entry) => String(entry.stats.status ?? ''));
  const distinct = [...new Set(values.filter(Boolean))];
  if (distinct.length === 1) return distinct[0]!;
  if (distinct.length > 1) return 'MIXED';
  const status = object.stats.status;
  return typeof status === 'string' ? status : status == null ? '' : String(status);
}

/** `backend/server` key. */
export function serverKey(object: StatObject): string {
  return object.backend ? `${object.backend}/${object.name}` : object.name;
}
