import type { AggregationRule, FieldValueType } from './types.js';

/** One `show info` field: meaning, type and how it aggregates across processes. */
export interface InfoFieldInfo {
  /** HAProxy's field name, exactly as printed (`Unstoppable Jobs` has a space). */
  readonly name: string;
  /** Short meaning. */
  readonly description: string;
  /** Value type in 2.6 (`flt` for a few rates with `show info float`). */
  readonly type: FieldValueType;
  /** How to combine the values of several processes. */
  readonly aggregation: AggregationRule;
  /** First HAProxy `.0` release with the field. */
  readonly since: string;
}

type Row = readonly [
  name: string,
  type: FieldValueType,
  rule: AggregationRule,
  since: string,
  description: string,
];

// Limits are each process's own capacity and are summed into the fleet's total, as the seed does and as
// `maxConn()` documents: Maxconn, *RateLimit, Maxpipes, and also Ulimit-n, Maxsock, Hard_maxconn and
// Memmax_*, which legitimately differ between healthy processes (Maxsock counts each one's listeners).
// Values that identify one process (Process_num, Pid, uptime, start time, Stopping) stay per-process.
const ROWS: readonly Row[] = [
  ['Name', 'str', 'same', '1.5', 'product name'],
  ['Version', 'str', 'same', '1.5', 'product version'],
  ['Release_date', 'str', 'same', '1.5', 'date of the latest source code update'],
  ['Nbthread', 'u32', 'same', '1.9', 'number of started threads'],
  ['Nbproc', 'u32', 'same', '1.5', 'number of started worker processes (always 1 since 2.5)'],
  ['Process_num', 'u32', 'per-process', '1.5', 'relative worker process number'],
  ['Pid', 'u32', 'per-process', '1.5', 'system process id of this worker'],
  ['Uptime', 'str', 'per-process', '1.5', 'uptime as days+hours+minutes+seconds'],
  ['Uptime_sec', 'u32', 'per-process', '1.5', 'uptime in seconds'],
  ['Memmax_MB', 'u32', 'sum', '1.5', 'hard memory limit in MB (-m; 0: unlimited)'],
  ['PoolAlloc_MB', 'u32', 'sum', '1.7', 'memory allocated in pools, MB'],
  ['PoolUsed_MB', 'u32', 'sum', '1.7', 'pool memory in use, MB'],
  ['PoolFailed', 'u32', 'sum', '1.7', 'failed pool allocations'],
  ['Ulimit-n', 'u32', 'sum', '1.5', 'hard limit on file descriptors'],
  ['Maxsock', 'u32', 'sum', '1.5', 'hard limit on sockets'],
  ['Maxconn', 'u32', 'sum', '1.5', 'connection limit (configured or imposed by Ulimit-n)'],
  ['Hard_maxconn', 'u32', 'sum', '1.5', 'connection limit imposed by Memmax_MB or Ulimit-n'],
  ['CurrConns', 'u32', 'sum', '1.5', 'current connections'],
  ['CumConns', 'u32', 'sum', '1.5', 'total connections since start'],
  ['CumReq', 'u32', 'sum', '1.5', 'total requests since start'],
  ['MaxSslConns', 'u32', 'sum', '1.5', 'limit on SSL endpoints (0: unlimited)'],
  ['CurrSslConns', 'u32', 'sum', '1.5', 'current SSL endpoints'],
  ['CumSslConns', 'u32', 'sum', '1.5', 'total SSL endpoints since start'],
  ['Maxpipes', 'u32', 'sum', '1.5', 'limit on pipes for splicing (0: unlimited)'],
  ['PipesUsed', 'u32', 'sum', '1.5', 'pipes in use'],
  ['PipesFree', 'u32', 'sum', '1.5', 'allocated and available pipes'],
  ['ConnRate', 'u32', 'sum', '1.5', 'connections created over the last second'],
  ['ConnRateLimit', 'u32', 'sum', '1.5', 'limit on ConnRate (maxconnrate)'],
  ['MaxConnRate', 'u32', 'max', '1.5', 'highest ConnRate since start'],
  ['SessRate', 'u32', 'sum', '1.5', 'sessions created over the last second'],
  ['SessRateLimit', 'u32', 'sum', '1.5', 'limit on SessRate (maxsessrate)'],
  ['MaxSessRate', 'u32', 'max', '1.5', 'highest SessRate since start'],
  ['SslRate', 'u32', 'sum', '1.5', 'SSL connections created over the last second'],
  ['SslRateLimit', 'u32', 'sum', '1.5', 'limit on SslRate (maxsslrate)'],
  ['MaxSslRate', 'u32', 'max', '1.5', 'highest SslRate since start'],
  ['SslFrontendKeyRate', 'u32', 'sum', '1.5', 'SSL keys created on frontends over the last second'],
  ['SslFrontendMaxKeyRate', 'u32', 'max', '1.5', 'highest SslFrontendKeyRate'],
  [
    'SslFrontendSessionReuse_pct',
    'u32',
    'avg',
    '1.5',
    'percent of frontend SSL connections without a new key',
  ],
  ['SslBackendKeyRate', 'u32', 'sum', '1.5', 'SSL keys created on backends over the last second'],
  ['SslBackendMaxKeyRate', 'u32', 'max', '1.5', 'highest SslBackendKeyRate'],
  ['SslCacheLookups', 'u32', 'sum', '1.5', 'SSL session cache lookups'],
  ['SslCacheMisses', 'u32', 'sum', '1.5', 'SSL session cache misses'],
  ['CompressBpsIn', 'u32', 'sum', '1.5', 'bytes fed to the HTTP compressor over the last second'],
  ['CompressBpsOut', 'u32', 'sum', '1.5', 'bytes emitted by the HTTP compressor over the last second'],
  ['CompressBpsRateLim', 'u32', 'sum', '1.5', 'limit of CompressBpsOut before compression is disabled'],
  ['ZlibMemUsage', 'u32', 'sum', '1.5', 'memory used by zlib'],
  ['MaxZlibMemUsage', 'u32', 'sum', '1.5', 'limit on zlib memory'],
  ['Tasks', 'u32', 'sum', '1.5', 'tasks (active + sleeping)'],
  ['Run_queue', 'u32', 'sum', '1.5', 'active tasks and tasklets'],
  ['Idle_pct', 'u32', 'avg', '1.5', 'percentage of the last second spent idle'],
  ['node', 'str', 'same', '1.5', 'node name (global node)'],
  ['description', 'str', 'same', '1.5', 'node description (global description)'],
  ['Stopping', 'u32', 'per-process', '1.9', '1 if the process is stopping'],
  ['Jobs', 'u32', 'sum', '1.9', 'active jobs (connections, listeners…)'],
  ['Unstoppable Jobs', 'u32', 'sum', '1.9', 'unstoppable jobs (master connections)'],
  ['Listeners', 'u32', 'sum', '1.9', 'active listeners'],
  ['ActivePeers', 'u32', 'sum', '1.9', 'verified active peer connections'],
  ['ConnectedPeers', 'u32', 'sum', '1.9', 'peers past the connection step'],
  ['DroppedLogs', 'u32', 'sum', '1.9', 'dropped logs'],
  ['BusyPolling', 'u32', 'same', '1.9', '1 if busy-polling is in use'],
  ['FailedResolutions', 'u32', 'sum', '2.0', 'failed DNS resolutions'],
  ['TotalBytesOut', 'u64', 'sum', '2.0', 'bytes emitted since start'],
  ['TotalSplicdedBytesOut', 'u64', 'sum', '2.3', 'bytes emitted through a kernel pipe (2.3–2.7 spelling)'],
  ['TotalSplicedBytesOut', 'u64', 'sum', '2.8', 'bytes emitted through a kernel pipe'],
  ['BytesOutRate', 'u64', 'sum', '2.0', 'bytes emitted over the last second'],
  ['DebugCommandsIssued', 'u32', 'sum', '2.1', 'debug commands issued (anything > 0 is unsafe)'],
  ['CumRecvLogs', 'u32', 'sum', '2.3', 'log messages received by log-forwarding listeners'],
  ['Build info', 'str', 'same', '2.4', 'build information'],
  ['Memmax_bytes', 'u32', 'sum', '2.4', 'hard memory limit in bytes (-m; 0: unlimited)'],
  ['PoolAlloc_bytes', 'u64', 'sum', '2.4', 'memory allocated in pools, bytes'],
  ['PoolUsed_bytes', 'u64', 'sum', '2.4', 'pool memory in use, bytes'],
  ['Start_time_sec', 'u32', 'per-process', '2.4', 'start time, seconds since the epoch'],
  ['Tainted', 'str', 'per-process', '2.4', 'experimental features used (hex flags)'],
  ['TotalWarnings', 'u32', 'sum', '2.8', 'warnings emitted'],
  ['MaxconnReached', 'u32', 'sum', '2.8', 'times maxconn was reached'],
  ['BootTime_ms', 'u32', 'per-process', '2.8', 'boot time in ms'],
  ['Niced_tasks', 'u32', 'sum', '2.9', 'niced tasks'],
  ['CurrStreams', 'u64', 'sum', '3.1', 'current streams'],
  ['CumStreams', 'u64', 'sum', '3.1', 'total streams'],
  ['BlockedTrafficWarnings', 'u32', 'sum', '3.1', 'blocked traffic warnings'],
  ['PatternsAdded', 'u64', 'sum', '3.3', 'patterns added'],
  ['PatternsFreed', 'u64', 'sum', '3.3', 'patterns freed'],
  ['NbThreadGroups', 'u32', 'same', '3.4', 'number of thread groups'],
];

function build(rows: readonly Row[]): Readonly<Record<string, InfoFieldInfo>> {
  const fields: Record<string, InfoFieldInfo> = {};
  for (const [name, type, aggregation, since, description] of rows) {
    fields[name] = Object.freeze({ name, description, type, aggregation, since });
  }
  return Object.freeze(fields);
}

/** Every `show info` field known up to HAProxy 3.5-dev, keyed by HAProxy's own name. */
export const INFO_FIELDS: Readonly<Record<string, InfoFieldInfo>> = /* @__PURE__ */ build(ROWS);

/**
 * Describe one `show info` field by name; `undefined` for unknown fields.
 *
 * @example infoField('Idle_pct')?.aggregation // 'avg'
 */
export function infoField(name: string): InfoFieldInfo | undefined {
  return Object.hasOwn(INFO_FIELDS, name) ? INFO_FIELDS[name] : undefined;
}
