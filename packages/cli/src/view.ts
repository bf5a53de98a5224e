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
  perProcess: ProcessStats[];
}

export interface StatsView {
  processes: ProcessRef[];
  frontends: StatObject[];
  backends: StatObject[];
  servers: StatObject[];
}

type Loose = Record<string, unknown>;
const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null;
const list = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.values()];
  if (isRecord(value)) return Object.values(value);
  return [];
};

function statsOf(value: unknown): Stats {
  if (value instanceof Map) return Object.fromEntries(value) as Stats;
  return isRecord(value) ? (value as Stats) : {};
}

function perProcessOf(item: Loose): ProcessStats[] {
  const raw = item.perProcess ?? item.processes ?? item.statsPerProcess;
  return list(raw).flatMap((entry) => {
    if (!isRecord(entry)) return [];
    const process = entry.process as ProcessRef | undefined;
    if (!process) return [];
    return [{ process, stats: statsOf(entry.stats ?? entry.value ?? entry.row) }];
  });
}

function objectOf(kind: StatObject['kind'], item: unknown): StatObject | undefined {
  if (!isRecord(item)) return undefined;
  const name = String(item.name ?? (kind === 'server' ? item.svname : item.pxname) ?? '');
  const perProcess = perProcessOf(item);
  const stats = statsOf(item.stats ?? item.aggregate ?? item.aggregated ?? item.total);
  const backend =
    kind === 'server' ? String(item.backendName ?? item.backend ?? stats.pxname ?? '') : undefined;
  return { kind, name, backend, stats, perProcess };
}

/** One snapshot of everything, normalised. */
export async function loadStats(hap: Client, options?: { signal?: AbortSignal }): Promise<StatsView> {
  const snapshot = (await hap.snapshot(options)) as Loose;
  const processes = list(snapshot.processes).filter(isRecord) as unknown as ProcessRef[];
  const pick = (kind: StatObject['kind'], value: unknown) =>
    list(value).flatMap((item) => {
      const object = objectOf(kind, item);
      return object ? [object] : [];
    });
  const backends = pick('backend', snapshot.backends);
  let servers = pick('server', snapshot.servers);
  if (servers.length === 0) {
    // Servers nested under their backend.
    servers = list(snapshot.backends).flatMap((backend) =>
      isRecord(backend)
        ? pick('server', backend.servers).map((server) => ({
            ...server,
            backend: server.backend || String(backend.name),
          }))
        : [],
    );
  }
  return { processes, frontends: pick('frontend', snapshot.frontends), backends, servers };
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
