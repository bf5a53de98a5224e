/**
 * The in-memory model a fake HAProxy keeps: global settings, proxies with their servers, ACL/map pattern
 * references and stick-tables. Commands mutate it; `reset()` restores a deep clone of the initial one.
 */

/** A Runtime API access level. */
export type Level = 'user' | 'operator' | 'admin';

/** A `stats socket` line of the `global` section. */
export interface StatsSocketConfig {
  /** The path (Unix) or `ipv4@host:port` address as written. */
  address: string;
  level: Level;
  /** `mode` (octal permission bits) of a Unix socket, when given. */
  mode?: number;
}

/** Global settings from the `global` section. */
export interface GlobalState {
  maxconn: number;
  /** The maxconn from the configuration; `set maxconn global 0` returns to it. */
  hardMaxconn: number;
  nbthread: number;
  description: string;
  node: string;
  /** `stats timeout` in ms (default 10 s). */
  statsTimeout: number;
  /** `tune.bufsize` (default 16384): the largest request a CLI connection accepts. */
  bufsize: number;
  sockets: StatsSocketConfig[];
  /** `resolvers` sections of the configuration, in order, with their nameserver names. */
  resolvers?: Array<{ name: string; nameservers: string[] }>;
  connRateLimit: number;
  sessRateLimit: number;
  sslRateLimit: number;
  compressRateLimit: number;
  /** Global counters. */
  cumConns: number;
  cumReq: number;
  maxConnRate: number;
  maxSessRate: number;
  totalBytesOut: number;
}

/** Traffic counters shared by frontends, backends and servers. */
export interface Counters {
  scur: number;
  smax: number;
  stot: number;
  bin: number;
  bout: number;
  rate: number;
  rateMax: number;
  reqRate: number;
  reqRateMax: number;
  reqTot: number;
  hrsp2xx: number;
  hrsp4xx: number;
  hrsp5xx: number;
  lbtot: number;
  connTot: number;
  connRate: number;
  connRateMax: number;
  /** Time (clock ms) of the last session, or -1. */
  lastSess: number;
}

/** The server admin-state bits as `show servers state` prints them. */
export const ADMIN_FMAINT = 0x01;
export const ADMIN_IMAINT = 0x02;
export const ADMIN_CMAINT = 0x04;
export const ADMIN_FDRAIN = 0x08;
export const ADMIN_RMAINT = 0x20;

/** A server of a backend. */
export interface ServerState {
  id: number;
  name: string;
  /** The address as written (IP or host name), without the port. */
  address: string;
  port: number;
  /** The user weight (`uweight`), changed by `set weight`. */
  weight: number;
  /** The configured weight (`iweight`). */
  initialWeight: number;
  backup: boolean;
  /** Admin bits (FMAINT 1, IMAINT 2, CMAINT 4, FDRAIN 8). */
  admin: number;
  /** Operational state: running (health `up`) or stopped. */
  running: boolean;
  maxconn: number;
  check: {
    configured: boolean;
    enabled: boolean;
    rise: number;
    fall: number;
    port: number;
    addr: string;
    /** Health counter of a server without running checks (`rise` when up, 0 once in maintenance). */
    health: number;
    /**
     * The last check result once the CLI changed the check (`set server … health`, `disable
     * health`, a dynamic server's never-run check): kept, with `health`, as HAProxy keeps them.
     * Unset: derived from `running`.
     */
    result?: 'ini' | 'passed' | 'failed';
  };
  /** `set server … health stopping`: operational state stopping (NOLB). */
  stopping?: boolean;
  /** `ssl` set on the server line (or default-server): `set server … ssl` is possible. */
  sslConfigured?: boolean;
  /** `srv_use_ssl`. */
  useSsl?: boolean;
  /** The id was given (`id <n>`): `srv_f_forced_id`. */
  forcedId?: boolean;
  /** `resolvers <section>` on the server line: `set server … fqdn` is possible. */
  resolvers?: string;
  /** `track [<backend>/]<server>` as written: shown in `tracked`, and the tracked server cannot be deleted. */
  track?: string;
  /** A tracker of this server was deleted: 2.6.12 keeps it listed, so `del server` refuses this one. */
  pinned?: boolean;
  agent: {
    configured: boolean;
    enabled: boolean;
    rise: number;
    fall: number;
    port: number;
    addr: string;
    send: string;
  };
  fqdn: string;
  /** Added at run time with `add server`. */
  dynamic: boolean;
  /** Clock ms of the last state change. */
  lastChange: number;
  counters: Counters;
}

/** A frontend, backend or listen section. */
export interface ProxyState {
  iid: number;
  name: string;
  frontend: boolean;
  backend: boolean;
  mode: 'http' | 'tcp';
  balance: string;
  /** `hash-type` (`map-based` by default; `consistent` hashing supports dynamic servers). */
  hashType?: string;
  /** Frontend maxconn (defaults to the global maxconn). */
  maxconn: number;
  /** Backend `fullconn`, computed like HAProxy does when not set. */
  fullconn: number;
  /** Frontend state. */
  feState: 'OPEN' | 'PAUSED' | 'STOP';
  binds: string[];
  /** Names of the binds (`name X`, else `sock-N`), for listener stats. */
  bindNames: string[];
  /** `option socket-stats`: one stats row per listener. */
  socketStats: boolean;
  servers: ServerState[];
  /** Next id for a dynamic server. */
  nextServerId: number;
  defaultBackend: string;
  /** `timeout client` / `timeout server` in ms (0 = none); held sessions count them down in `show sess`. */
  timeoutClient?: number;
  timeoutServer?: number;
  useBackends: string[];
  stickTable: StickTableState | undefined;
  counters: Counters;
  lastChange: number;
}

/** One entry of a pattern reference (an ACL pattern, or a map key/value). */
export interface PatternEntry {
  /** A unique, stable pointer-like id (printed as `0x...`). */
  ref: number;
  key: string;
  value: string | undefined;
  version: number;
}

/** An ACL or map pattern reference (`show acl` / `show map` lines). */
export interface PatternRefState {
  id: number;
  kind: 'acl' | 'map';
  /** The file path, or `''` for inline references. */
  file: string;
  description: string;
  /** The sample-fetch match kind (`ip` for `src`, `str`, `beg` …), to validate patterns. */
  match: string;
  currVer: number;
  nextVer: number;
  entries: PatternEntry[];
}

/** A stick-table entry. */
export interface TableEntry {
  /**
   * The key as the table stores it: dotted IPv4, canonical IPv6, decimal integer, or for string
   * tables the bytes (one char per byte, cut to the key length).
   */
  key: string;
  /** Stored values by column (`gpc0`, `http_req_rate`, `gpc1_rate` …), wrapped to their C type. */
  data: Record<string, bigint>;
  /** Clock ms when it expires. */
  expire: number;
}

/** A `stick-table` declared in a proxy. */
export interface StickTableState {
  name: string;
  type: string;
  size: number;
  /** Expiry in ms. */
  expire: number;
  store: string[];
  /** The `len` of a string or binary table, when given. */
  keyLen?: number;
  entries: TableEntry[];
}

/** The whole state of one fake process. */
export interface FakeState {
  global: GlobalState;
  proxies: ProxyState[];
  patterns: PatternRefState[];
  /** Next pointer-like id for pattern entries. */
  nextRef: number;
  /** Sessions held open on servers by `setSessions()` (listed by `show sess`). */
  heldSessions?: HeldSession[];
}

/** A client session held open through a frontend to a server (see `setSessions()`). */
export interface HeldSession {
  /** Pointer-like id (`0x…`). */
  id: number;
  frontend: string;
  /** The frontend's `scur` counts it (it was named to `setSessions()`). */
  frontendCounted: boolean;
  backend: string;
  server: string;
  /** Client source port. */
  port: number;
  /** Clock ms when it was opened. */
  start: number;
  /** `show sess` epoch when it was opened. */
  epoch: number;
  /** Client-side fd (the server side is the next one). */
  fd: number;
}

/** Fresh zeroed counters. */
export function emptyCounters(): Counters {
  return {
    scur: 0,
    smax: 0,
    stot: 0,
    bin: 0,
    bout: 0,
    rate: 0,
    rateMax: 0,
    reqRate: 0,
    reqRateMax: 0,
    reqTot: 0,
    hrsp2xx: 0,
    hrsp4xx: 0,
    hrsp5xx: 0,
    lbtot: 0,
    connTot: 0,
    connRate: 0,
    connRateMax: 0,
    lastSess: -1,
  };
}

/** Deep clone of a state (plain data only). */
export function cloneState(state: FakeState): FakeState {
  return structuredClone(state);
}

/** Whether a server is in maintenance (any MAINT bit). */
export function inMaint(server: ServerState): boolean {
  // CMAINT only records that the config said `disabled`; it stays set after `state ready`.
  return (server.admin & (ADMIN_FMAINT | ADMIN_IMAINT | ADMIN_RMAINT)) !== 0;
}

/** Whether a server takes traffic (running, not in maintenance). Drain still counts as usable for status. */
export function usable(server: ServerState): boolean {
  return server.running && !inMaint(server);
}

/** Find a backend (a proxy with the backend capability) by name or `#iid`. */
export function findBackend(state: FakeState, name: string): ProxyState | undefined {
  if (name.startsWith('#')) {
    const iid = Number(name.slice(1));
    return state.proxies.find((proxy) => proxy.backend && proxy.iid === iid);
  }
  return state.proxies.find((proxy) => proxy.backend && proxy.name === name);
}

/** Find a frontend by name or `#iid`. */
export function findFrontend(state: FakeState, name: string): ProxyState | undefined {
  if (name.startsWith('#')) {
    const iid = Number(name.slice(1));
    return state.proxies.find((proxy) => proxy.frontend && proxy.iid === iid);
  }
  return state.proxies.find((proxy) => proxy.frontend && proxy.name === name);
}

/** Find a server by name or `#id` in a backend. */
export function findServer(proxy: ProxyState, name: string): ServerState | undefined {
  if (name.startsWith('#')) {
    const id = Number(name.slice(1));
    return proxy.servers.find((server) => server.id === id);
  }
  return proxy.servers.find((server) => server.name === name);
}
