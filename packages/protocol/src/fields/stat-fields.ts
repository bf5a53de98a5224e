import type { AggregationRule, FieldValueType, StatObjectType } from './types.js';

/** One `show stat` column: what it means, who carries it, its type and how it aggregates. */
export interface StatFieldInfo {
  /** HAProxy's column name, exactly as in the CSV header. */
  readonly name: string;
  /** Short meaning. */
  readonly description: string;
  /** Object types that can carry a value (the column is empty for the others). */
  readonly objects: readonly StatObjectType[];
  /** Value type as `show stat typed` prints it (`str` fields are never converted to numbers). */
  readonly type: FieldValueType;
  /** How to combine the values of several processes. */
  readonly aggregation: AggregationRule;
  /** First HAProxy `.0` release with the column (`module` for stats-module columns after `-`). */
  readonly since: string;
}

type Row = readonly [
  name: string,
  objects: string,
  type: FieldValueType,
  rule: AggregationRule,
  since: string,
  description: string,
];

// Obj letters: L = listener, F = frontend, B = backend, S = server (management.txt §9.1, checked against
// 2.6.12 `show stat typed`). Rules are ours: see AggregationRule.
const ROWS: readonly Row[] = [
  ['pxname', 'LFBS', 'str', 'same', '1.4', 'proxy name'],
  ['svname', 'LFBS', 'str', 'same', '1.4', 'FRONTEND, BACKEND, server name or listener name'],
  ['qcur', 'BS', 'u32', 'sum', '1.4', 'current queued requests'],
  ['qmax', 'BS', 'u32', 'max', '1.4', 'max value of qcur'],
  ['scur', 'LFBS', 'u32', 'sum', '1.4', 'current sessions'],
  ['smax', 'LFBS', 'u32', 'max', '1.4', 'max value of scur'],
  ['slim', 'LFBS', 'u32', 'sum', '1.4', 'configured session limit (maxconn; backend fullconn)'],
  ['stot', 'LFBS', 'u64', 'sum', '1.4', 'cumulative number of sessions'],
  ['bin', 'LFBS', 'u64', 'sum', '1.4', 'bytes in'],
  ['bout', 'LFBS', 'u64', 'sum', '1.4', 'bytes out'],
  ['dreq', 'LFB', 'u64', 'sum', '1.4', 'requests denied by security rules'],
  ['dresp', 'LFBS', 'u64', 'sum', '1.4', 'responses denied by security rules'],
  ['ereq', 'LF', 'u64', 'sum', '1.4', 'request errors'],
  ['econ', 'BS', 'u64', 'sum', '1.4', 'errors connecting to a server'],
  ['eresp', 'BS', 'u64', 'sum', '1.4', 'response errors'],
  ['wretr', 'BS', 'u64', 'sum', '1.4', 'connection retries'],
  ['wredis', 'BS', 'u64', 'sum', '1.4', 'redispatches'],
  ['status', 'LFBS', 'str', 'same', '1.4', 'status (OPEN/STOP, UP/DOWN/NOLB/MAINT/DRAIN/no check…)'],
  ['weight', 'BS', 'u32', 'same', '1.4', 'effective weight (server) or total weight (backend)'],
  ['act', 'BS', 'u32', 'same', '1.4', 'server: 1 if active; backend: number of active servers'],
  ['bck', 'BS', 'u32', 'same', '1.4', 'server: 1 if backup; backend: number of backup servers'],
  ['chkfail', 'S', 'u64', 'sum', '1.4', 'failed checks'],
  ['chkdown', 'BS', 'u64', 'sum', '1.4', 'UP to DOWN transitions'],
  ['lastchg', 'BS', 'u32', 'min', '1.4', 'seconds since the last UP/DOWN transition'],
  ['downtime', 'BS', 'u32', 'max', '1.4', 'total downtime in seconds'],
  ['qlimit', 'S', 'u32', 'same', '1.4', 'configured maxqueue of the server'],
  ['pid', 'LFBS', 'u32', 'per-process', '1.4', 'relative process number (always 1 since 2.5)'],
  ['iid', 'LFBS', 'u32', 'same', '1.4', 'proxy numeric id'],
  ['sid', 'LFBS', 'u32', 'same', '1.4', 'server or listener numeric id (0 for frontend/backend)'],
  ['throttle', 'S', 'u32', 'avg', '1.4', 'slow-start throttle percentage'],
  ['lbtot', 'BS', 'u64', 'sum', '1.4', 'times the server was selected by load balancing'],
  ['tracked', 'S', 'str', 'same', '1.4', 'backend/server tracked by this server'],
  ['type', 'LFBS', 'u32', 'same', '1.4', 'object type: 0 frontend, 1 backend, 2 server, 3 listener'],
  ['rate', 'FBS', 'u32', 'sum', '1.4', 'sessions per second over the last second'],
  ['rate_lim', 'F', 'u32', 'sum', '1.4', 'configured limit on new sessions per second'],
  ['rate_max', 'FBS', 'u32', 'max', '1.4', 'max sessions per second'],
  ['check_status', 'S', 'str', 'same', '1.4', 'status of the last health check (L4OK, L7STS…)'],
  ['check_code', 'S', 'u32', 'same', '1.4', 'layer 5-7 code of the last health check'],
  ['check_duration', 'S', 'u64', 'avg', '1.4', 'duration of the last health check in ms'],
  ['hrsp_1xx', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with 1xx code'],
  ['hrsp_2xx', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with 2xx code'],
  ['hrsp_3xx', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with 3xx code'],
  ['hrsp_4xx', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with 4xx code'],
  ['hrsp_5xx', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with 5xx code'],
  ['hrsp_other', 'FBS', 'u64', 'sum', '1.4', 'HTTP responses with other codes'],
  ['hanafail', 'S', 'u64', 'sum', '1.4', 'failed health checks details (observe)'],
  ['req_rate', 'F', 'u32', 'sum', '1.4', 'HTTP requests per second over the last second'],
  ['req_rate_max', 'F', 'u32', 'max', '1.4', 'max HTTP requests per second'],
  ['req_tot', 'FBS', 'u64', 'sum', '1.4', 'total HTTP requests'],
  ['cli_abrt', 'BS', 'u64', 'sum', '1.5', 'data transfers aborted by the client'],
  ['srv_abrt', 'BS', 'u64', 'sum', '1.5', 'data transfers aborted by the server'],
  ['comp_in', 'FB', 'u64', 'sum', '1.5', 'bytes fed to the compressor'],
  ['comp_out', 'FB', 'u64', 'sum', '1.5', 'bytes emitted by the compressor'],
  ['comp_byp', 'FB', 'u64', 'sum', '1.5', 'bytes that bypassed the compressor'],
  ['comp_rsp', 'FB', 'u64', 'sum', '1.5', 'HTTP responses that were compressed'],
  ['lastsess', 'BS', 's32', 'min', '1.5', 'seconds since the last session (-1: never)'],
  ['last_chk', 'S', 'str', 'same', '1.5', 'last health check contents or textual error'],
  ['last_agt', 'S', 'str', 'same', '1.5', 'last agent check contents or textual error'],
  ['qtime', 'BS', 'u32', 'avg', '1.5', 'average queue time in ms over the last 1024 requests'],
  ['ctime', 'BS', 'u32', 'avg', '1.5', 'average connect time in ms over the last 1024 requests'],
  ['rtime', 'BS', 'u32', 'avg', '1.5', 'average response time in ms over the last 1024 requests'],
  ['ttime', 'BS', 'u32', 'avg', '1.5', 'average total session time in ms over the last 1024 requests'],
  ['agent_status', 'S', 'str', 'same', '1.7', 'status of the last agent check'],
  ['agent_code', 'S', 'u32', 'same', '1.7', 'numeric code reported by the agent'],
  ['agent_duration', 'S', 'u64', 'avg', '1.7', 'duration of the last agent check in ms'],
  ['check_desc', 'S', 'str', 'same', '1.7', 'human-readable description of check_status'],
  ['agent_desc', 'S', 'str', 'same', '1.7', 'human-readable description of agent_status'],
  ['check_rise', 'S', 'u32', 'same', '1.7', 'server rise parameter'],
  ['check_fall', 'S', 'u32', 'same', '1.7', 'server fall parameter'],
  ['check_health', 'S', 'u32', 'same', '1.7', 'server health check value (0 to rise+fall-1)'],
  ['agent_rise', 'S', 'u32', 'same', '1.7', 'agent rise parameter'],
  ['agent_fall', 'S', 'u32', 'same', '1.7', 'agent fall parameter'],
  ['agent_health', 'S', 'u32', 'same', '1.7', 'agent health value'],
  ['addr', 'LS', 'str', 'same', '1.7', 'address:port or "unix" (operator level and above)'],
  ['cookie', 'BS', 'str', 'same', '1.7', 'server cookie value or backend cookie name'],
  ['mode', 'LFBS', 'str', 'same', '1.7', 'proxy mode (tcp, http, health, unknown)'],
  ['algo', 'B', 'str', 'same', '1.7', 'load balancing algorithm'],
  ['conn_rate', 'F', 'u32', 'sum', '1.7', 'connections per second over the last second'],
  ['conn_rate_max', 'F', 'u32', 'max', '1.7', 'max connections per second'],
  ['conn_tot', 'LF', 'u64', 'sum', '1.7', 'cumulative number of connections'],
  ['intercepted', 'F', 'u64', 'sum', '1.7', 'requests intercepted (stats, monitor, redirects…)'],
  ['dcon', 'LF', 'u64', 'sum', '1.7', 'requests denied by tcp-request connection rules'],
  ['dses', 'LF', 'u64', 'sum', '1.7', 'requests denied by tcp-request session rules'],
  ['wrew', 'LFBS', 'u64', 'sum', '1.9', 'failed HTTP header rewrites'],
  ['connect', 'BS', 'u64', 'sum', '1.9', 'connection establishment attempts'],
  ['reuse', 'BS', 'u64', 'sum', '1.9', 'connection reuses'],
  ['cache_lookups', 'FB', 'u64', 'sum', '1.9', 'HTTP cache lookups'],
  ['cache_hits', 'FB', 'u64', 'sum', '1.9', 'HTTP cache hits'],
  ['srv_icur', 'S', 'u32', 'sum', '2.1', 'idle connections available for reuse'],
  ['src_ilim', 'S', 'u32', 'sum', '2.1', 'limit on idle connections available for reuse'],
  ['qtime_max', 'BS', 'u32', 'max', '2.1', 'max queue time in ms'],
  ['ctime_max', 'BS', 'u32', 'max', '2.1', 'max connect time in ms'],
  ['rtime_max', 'BS', 'u32', 'max', '2.1', 'max response time in ms'],
  ['ttime_max', 'BS', 'u32', 'max', '2.1', 'max total session time in ms'],
  ['eint', 'LFBS', 'u64', 'sum', '2.2', 'internal errors'],
  ['idle_conn_cur', 'S', 'u32', 'sum', '2.2', 'current unsafe idle connections'],
  ['safe_conn_cur', 'S', 'u32', 'sum', '2.2', 'current safe idle connections'],
  ['used_conn_cur', 'S', 'u32', 'sum', '2.2', 'connections currently in use'],
  ['need_conn_est', 'S', 'u32', 'sum', '2.2', 'estimated number of needed connections'],
  ['uweight', 'BS', 'u32', 'same', '2.3', 'user weight (server) or sum of user weights (backend)'],
  ['agg_server_status', 'B', 'u32', 'same', '2.8', 'aggregated server status (Prometheus; 0 in CSV)'],
  ['agg_server_check_status', 'B', 'u32', 'same', '2.5', 'deprecated aggregated server check status'],
  ['agg_check_status', 'B', 'u32', 'same', '2.8', 'aggregated check status (Prometheus; 0 in CSV)'],
  ['srid', 'S', 'u32', 'same', '2.8', 'server id revision'],
  ['sess_other', 'F', 'u64', 'sum', '2.8', 'sessions that are neither HTTP/1, HTTP/2 nor HTTP/3'],
  ['h1sess', 'F', 'u64', 'sum', '2.8', 'HTTP/1 sessions'],
  ['h2sess', 'F', 'u64', 'sum', '2.8', 'HTTP/2 sessions'],
  ['h3sess', 'F', 'u64', 'sum', '2.8', 'HTTP/3 sessions'],
  ['req_other', 'F', 'u64', 'sum', '2.8', 'requests that are neither HTTP/1, HTTP/2 nor HTTP/3'],
  ['h1req', 'F', 'u64', 'sum', '2.8', 'HTTP/1 requests'],
  ['h2req', 'F', 'u64', 'sum', '2.8', 'HTTP/2 requests'],
  ['h3req', 'F', 'u64', 'sum', '2.8', 'HTTP/3 requests'],
  ['proto', 'L', 'str', 'same', '2.8', 'listener protocol name'],
  ['priv_idle_cur', 'S', 'u32', 'sum', '3.3', 'current private idle connections'],
  ['reqbin', 'LFBS', 'u64', 'sum', '3.3', 'request bytes received'],
  ['reqbout', 'LFBS', 'u64', 'sum', '3.3', 'request bytes sent'],
  ['resbin', 'LFBS', 'u64', 'sum', '3.3', 'response bytes received'],
  ['resbout', 'LFBS', 'u64', 'sum', '3.3', 'response bytes sent'],
  ['cache_hint_hits', 'FB', 'u64', 'sum', '3.5', 'cache hits served as 103 Early Hints'],
  // Stats-module columns after the `-` delimiter in 2.6 (ssl, h2, h1 modules, in registration order).
  ['ssl_sess', 'LFBS', 'u64', 'sum', 'module', 'SSL sessions'],
  ['ssl_reused_sess', 'LFBS', 'u64', 'sum', 'module', 'reused SSL sessions'],
  ['ssl_failed_handshake', 'LFBS', 'u64', 'sum', 'module', 'failed SSL handshakes'],
  ['h2_headers_rcvd', 'FB', 'u64', 'sum', 'module', 'HTTP/2 HEADERS frames received'],
  ['h2_data_rcvd', 'FB', 'u64', 'sum', 'module', 'HTTP/2 DATA frames received'],
  ['h2_settings_rcvd', 'FB', 'u64', 'sum', 'module', 'HTTP/2 SETTINGS frames received'],
  ['h2_rst_stream_rcvd', 'FB', 'u64', 'sum', 'module', 'HTTP/2 RST_STREAM frames received'],
  ['h2_goaway_rcvd', 'FB', 'u64', 'sum', 'module', 'HTTP/2 GOAWAY frames received'],
  ['h2_detected_conn_protocol_errors', 'FB', 'u64', 'sum', 'module', 'HTTP/2 connection protocol errors'],
  ['h2_detected_strm_protocol_errors', 'FB', 'u64', 'sum', 'module', 'HTTP/2 stream protocol errors'],
  ['h2_rst_stream_resp', 'FB', 'u64', 'sum', 'module', 'HTTP/2 RST_STREAM sent in response'],
  ['h2_goaway_resp', 'FB', 'u64', 'sum', 'module', 'HTTP/2 GOAWAY sent in response'],
  ['h2_open_connections', 'FB', 'u64', 'sum', 'module', 'currently open HTTP/2 connections'],
  ['h2_backend_open_streams', 'FB', 'u64', 'sum', 'module', 'currently open HTTP/2 backend streams'],
  ['h2_total_connections', 'FB', 'u64', 'sum', 'module', 'total HTTP/2 connections'],
  ['h2_backend_total_streams', 'FB', 'u64', 'sum', 'module', 'total HTTP/2 backend streams'],
  ['h1_open_connections', 'FB', 'u64', 'sum', 'module', 'currently open HTTP/1 connections'],
  ['h1_open_streams', 'FB', 'u64', 'sum', 'module', 'currently open HTTP/1 streams'],
  ['h1_total_connections', 'FB', 'u64', 'sum', 'module', 'total HTTP/1 connections'],
  ['h1_total_streams', 'FB', 'u64', 'sum', 'module', 'total HTTP/1 streams'],
  ['h1_bytes_in', 'FB', 'u64', 'sum', 'module', 'HTTP/1 bytes received'],
  ['h1_bytes_out', 'FB', 'u64', 'sum', 'module', 'HTTP/1 bytes sent'],
  ['h1_spliced_bytes_in', 'FB', 'u64', 'sum', 'module', 'HTTP/1 bytes received through splicing'],
  ['h1_spliced_bytes_out', 'FB', 'u64', 'sum', 'module', 'HTTP/1 bytes sent through splicing'],
];

const LETTERS: Record<string, StatObjectType> = { L: 'listener', F: 'frontend', B: 'backend', S: 'server' };

function build(rows: readonly Row[]): Readonly<Record<string, StatFieldInfo>> {
  const fields: Record<string, StatFieldInfo> = {};
  for (const [name, objects, type, aggregation, since, description] of rows) {
    fields[name] = Object.freeze({
      name,
      description,
      objects: Object.freeze([...objects].map((letter) => LETTERS[letter]!)),
      type,
      aggregation,
      since,
    });
  }
  return Object.freeze(fields);
}

/**
 * Every `show stat` column known up to HAProxy 3.5-dev, keyed by HAProxy's column name: the 2.6
 * header's 103 fixed columns and its 24 stats-module columns (ssl, h2, h1), plus the columns newer
 * versions add. Columns of other stats modules are described by {@link statField} from their prefix.
 */
export const STAT_FIELDS: Readonly<Record<string, StatFieldInfo>> = /* @__PURE__ */ build(ROWS);

/** Stats-module prefixes (the columns after `-`): all of them are 64-bit counters or gauges. */
const MODULE_PREFIXES = ['ssl_', 'h1_', 'h2_', 'h3_', 'quic_'];

/**
 * Describe one `show stat` column by name, including stats-module columns this catalogue does not
 * list (by their `ssl_`, `h1_`, `h2_`, `h3_`, `quic_` prefix). `undefined` for unknown columns.
 *
 * @example statField('qtime')?.aggregation // 'avg'
 */
export function statField(name: string): StatFieldInfo | undefined {
  const known = Object.hasOwn(STAT_FIELDS, name) ? STAT_FIELDS[name] : undefined;
  if (known) return known;
  if (MODULE_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return {
      name,
      description: `stats-module counter ${name}`,
      objects: ['frontend', 'backend', 'listener'],
      type: 'u64',
      aggregation: 'sum',
      since: 'module',
    };
  }
  return undefined;
}
