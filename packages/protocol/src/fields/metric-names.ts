/**
 * The metric names of the Python haproxyadmin (`haproxyadmin/__init__.py`), kept verbatim so
 * `metric(name)` accepts the same names, then extended with the counters it missed.
 */

const SEED_FRONTEND = [
  'bin', 'bout', 'comp_byp', 'comp_in', 'comp_out', 'comp_rsp', 'dreq', 'dresp', 'ereq', 'hrsp_1xx',
  'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other', 'rate', 'rate_lim', 'rate_max', 'req_rate',
  'req_rate_max', 'req_tot', 'scur', 'slim', 'smax', 'stot',
] as const;

const SEED_BACKEND = [
  'act', 'bck', 'bin', 'bout', 'chkdown', 'cli_abrt', 'comp_byp', 'comp_in', 'comp_out', 'comp_rsp', 'ctime',
  'downtime', 'dreq', 'dresp', 'econ', 'eresp', 'hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx',
  'hrsp_other', 'lastchg', 'lastsess', 'lbtot', 'qcur', 'qmax', 'qtime', 'rate', 'rate_max', 'rtime', 'scur',
  'slim', 'smax', 'srv_abrt', 'stot', 'ttime', 'weight', 'wredis', 'wretr',
] as const;

const SEED_SERVER = [
  'act', 'bck', 'bin', 'bout', 'check_duration', 'chkdown', 'chkfail', 'cli_abrt', 'ctime', 'downtime', 'dresp',
  'econ', 'eresp', 'hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other', 'lastchg',
  'lastsess', 'lbtot', 'qcur', 'qlimit', 'qmax', 'qtime', 'rate', 'rate_max', 'rtime', 'scur', 'slim', 'smax',
  'srv_abrt', 'stot', 'throttle', 'ttime', 'weight', 'wredis', 'wretr',
] as const;

const SEED_HAPROXY = [
  'SslFrontendMaxKeyRate', 'Hard_maxconn', 'SessRateLimit', 'Process_num', 'Memmax_MB', 'CompressBpsRateLim',
  'MaxSslConns', 'ConnRateLimit', 'SslRateLimit', 'MaxConnRate', 'CumConns', 'SslBackendKeyRate',
  'SslCacheLookups', 'CurrSslConns', 'Run_queue', 'Maxpipes', 'Idle_pct', 'SslFrontendKeyRate', 'Tasks',
  'MaxZlibMemUsage', 'SslFrontendSessionReuse_pct', 'CurrConns', 'SslCacheMisses', 'SslRate', 'CumSslConns',
  'PipesUsed', 'Maxconn', 'CompressBpsIn', 'ConnRate', 'Ulimit-n', 'SessRate', 'SslBackendMaxKeyRate', 'CumReq',
  'PipesFree', 'ZlibMemUsage', 'Uptime_sec', 'CompressBpsOut', 'Maxsock', 'MaxSslRate', 'MaxSessRate',
] as const;

/** Numeric `show stat` columns of a frontend: the seed's 25 names, then newer counters. */
export const FRONTEND_METRICS = /* @__PURE__ */ Object.freeze([
  ...SEED_FRONTEND,
  'conn_rate', 'conn_rate_max', 'conn_tot', 'intercepted', 'dcon', 'dses', 'wrew', 'cache_lookups',
  'cache_hits', 'eint',
] as const);

/** Numeric `show stat` columns of a backend: the seed's 40 names, then newer counters. */
export const BACKEND_METRICS = /* @__PURE__ */ Object.freeze([
  ...SEED_BACKEND,
  'req_tot', 'wrew', 'connect', 'reuse', 'cache_lookups', 'cache_hits', 'qtime_max', 'ctime_max',
  'rtime_max', 'ttime_max', 'eint', 'uweight',
] as const);

/** Numeric `show stat` columns of a server: the seed's 39 names, then newer counters. */
export const SERVER_METRICS = /* @__PURE__ */ Object.freeze([
  ...SEED_SERVER,
  'req_tot', 'hanafail', 'wrew', 'connect', 'reuse', 'srv_icur', 'src_ilim', 'qtime_max', 'ctime_max',
  'rtime_max', 'ttime_max', 'eint', 'idle_conn_cur', 'safe_conn_cur', 'used_conn_cur', 'need_conn_est',
  'uweight', 'agent_duration',
] as const);

/** Numeric `show info` fields: the seed's 40 names, then newer ones. */
export const HAPROXY_METRICS = /* @__PURE__ */ Object.freeze([
  ...SEED_HAPROXY,
  'Nbthread', 'Nbproc', 'Pid', 'PoolAlloc_MB', 'PoolUsed_MB', 'PoolFailed', 'Jobs', 'Unstoppable Jobs',
  'Listeners', 'ActivePeers', 'ConnectedPeers', 'DroppedLogs', 'FailedResolutions', 'TotalBytesOut',
  'TotalSplicdedBytesOut', 'TotalSplicedBytesOut', 'BytesOutRate', 'CumRecvLogs', 'PoolAlloc_bytes',
  'PoolUsed_bytes', 'Stopping', 'Start_time_sec',
] as const);

/** A name accepted by `Frontend.metric()`. */
export type FrontendMetric = (typeof FRONTEND_METRICS)[number];
/** A name accepted by `Backend.metric()`. */
export type BackendMetric = (typeof BACKEND_METRICS)[number];
/** A name accepted by `Server.metric()`. */
export type ServerMetric = (typeof SERVER_METRICS)[number];
/** A name accepted by `HAProxy.metric()`. */
export type HAProxyMetric = (typeof HAPROXY_METRICS)[number];
