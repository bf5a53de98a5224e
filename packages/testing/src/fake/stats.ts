import { INFO_FIELDS, STAT_FIELD_TYPES, STAT_FIELDS as IMPORTED_FIELDS } from './data/stat-fields.js';
import { STAT_PRESENT } from './data/stat-templates.js';
import {
  ADMIN_FDRAIN,
  type FakeState,
  inMaint,
  type Level,
  type ProxyState,
  type ServerState,
  usable,
} from './state.js';

// Local copies: module-namespace lookups are slow in hot loops under some loaders (vitest).
const STAT_FIELDS: readonly string[] = [...IMPORTED_FIELDS];

/** What `show info` / `show stat` need besides the state. */
export interface StatsContext {
  state: FakeState;
  pid: number;
  /** Clock ms now. */
  now: number;
  /** Clock ms at start. */
  startTime: number;
  version: string;
  releaseDate: string;
  stopping: boolean;
  level: Level;
}

const PRESENT: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(STAT_PRESENT).map(([key, fields]) => [key, new Set(fields.split(' '))]),
);

const TAG_NAMES = {
  origin: { K: 'Key', M: 'Metric', C: 'Config', S: 'Status', P: 'Product', O: 'Other' } as Record<
    string,
    string
  >,
  nature: {
    N: 'Name',
    G: 'Gauge',
    M: 'Max',
    L: 'Limit',
    C: 'Counter',
    R: 'Rate',
    a: 'Avg',
    A: 'Age',
    O: 'Output',
    D: 'Duration',
    T: 'Time',
  } as Record<string, string>,
  scope: { S: 'Service', P: 'Process', s: 'System', C: 'Cluster' } as Record<string, string>,
};

function jsonTags(tags: string): { origin: string; nature: string; scope: string } {
  return {
    origin: TAG_NAMES.origin[tags[0]!] ?? 'Unknown',
    nature: TAG_NAMES.nature[tags[1]!] ?? 'Unknown',
    scope: TAG_NAMES.scope[tags[2]!] ?? 'Unknown',
  };
}

function jsonValue(type: string, value: string): { type: string; value: string | number } {
  return { type, value: type === 'str' ? value : Number(value) };
}

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

/** The `show info` fields with their values, in order. */
export function infoFields(
  context: StatsContext,
): { pos: number; name: string; tags: string; type: string; value: string }[] {
  const { state } = context;
  const g = state.global;
  const seconds = Math.max(0, Math.floor((context.now - context.startTime) / 1000));
  const listeners = g.sockets.length + state.proxies.reduce((sum, proxy) => sum + proxy.binds.length, 0);
  const curr = state.proxies.filter((p) => p.frontend).reduce((sum, p) => sum + p.counters.scur, 0);
  const values: Record<string, string | number> = {
    Name: 'HAProxy',
    Version: context.version,
    Release_date: context.releaseDate,
    Nbthread: g.nbthread,
    Nbproc: 1,
    Process_num: 1,
    Pid: context.pid,
    Uptime: uptime(seconds),
    Uptime_sec: seconds,
    'Ulimit-n': g.hardMaxconn * 2 + 31 + listeners,
    Maxsock: g.hardMaxconn * 2 + 31 + listeners,
    Maxconn: g.maxconn,
    Hard_maxconn: g.hardMaxconn,
    CurrConns: curr,
    CumConns: g.cumConns,
    CumReq: g.cumReq,
    ConnRate: state.proxies.reduce((sum, p) => sum + (p.frontend ? p.counters.connRate : 0), 0),
    ConnRateLimit: g.connRateLimit,
    MaxConnRate: g.maxConnRate,
    SessRate: state.proxies.reduce((sum, p) => sum + (p.frontend ? p.counters.rate : 0), 0),
    SessRateLimit: g.sessRateLimit,
    MaxSessRate: g.maxSessRate,
    SslRateLimit: g.sslRateLimit,
    CompressBpsRateLim: g.compressRateLimit,
    Tasks: 20 + state.proxies.length,
    Idle_pct: 100,
    node: g.node,
    Stopping: context.stopping ? 1 : 0,
    Jobs: listeners + 1,
    Listeners: listeners,
    TotalBytesOut: g.totalBytesOut,
    'Build info': context.version,
    PoolAlloc_bytes: 108816,
    PoolUsed_bytes: 108816,
    Start_time_sec: Math.floor(context.startTime / 1000),
    Tainted: 0,
  };
  const out: { pos: number; name: string; tags: string; type: string; value: string }[] = [];
  for (const [pos, name, tags, type] of INFO_FIELDS) {
    out.push({ pos, name, tags, type, value: String(values[name] ?? 0) });
    if (pos === 50 && g.description)
      out.push({ pos: 51, name: 'description', tags: 'COS', type: 'str', value: g.description });
  }
  return out;
}

/** `show info [typed|json]`. */
export function renderInfo(context: StatsContext, format: 'text' | 'typed' | 'json'): string {
  const fields = infoFields(context);
  if (format === 'typed') {
    return `${fields.map((f) => `${f.pos}.${f.name}.1:${f.tags}:${f.type}:${f.value}`).join('\n')}\n\n`;
  }
  if (format === 'json') {
    const items = fields.map((f) => ({
      field: { pos: f.pos, name: f.name },
      processNum: 1,
      tags: jsonTags(f.tags),
      value: jsonValue(f.type, f.value),
    }));
    return `${JSON.stringify(items)}\n\n`;
  }
  return `${fields.map((f) => `${f.name}: ${f.value}`).join('\n')}\n\n`;
}

/** The `show stat` status word of a server. */
export function serverStatus(server: ServerState): string {
  if (inMaint(server)) return 'MAINT';
  if (server.admin & ADMIN_FDRAIN) return server.running ? 'DRAIN' : 'DOWN';
  if (server.stopping && server.running) return 'NOLB';
  if (server.check.enabled) return server.running ? 'UP' : 'DOWN';
  return server.running ? 'no check' : 'DOWN';
}

/** Effective weight of a server (0 when draining). */
export function effectiveWeight(server: ServerState): number {
  return server.admin & ADMIN_FDRAIN ? 0 : server.weight;
}

function backendWeights(proxy: ProxyState): { weight: number; act: number; bck: number; up: number } {
  const up = proxy.servers.filter((server) => usable(server));
  // Draining servers (effective weight 0) are not counted as active/backup servers.
  const active = up.filter((server) => !server.backup && !(server.admin & ADMIN_FDRAIN));
  const backup = up.filter((server) => server.backup && !(server.admin & ADMIN_FDRAIN));
  const list = active.length > 0 ? active : backup;
  return {
    weight: list.reduce((sum, server) => sum + effectiveWeight(server), 0),
    act: active.length,
    bck: backup.length,
    up: up.length,
  };
}

function age(context: StatsContext, since: number): number {
  return Math.max(0, Math.floor((context.now - since) / 1000));
}

/** Fill the traffic counters shared by every kind of row. */
function putCounters(row: Row, counters: ProxyState['counters']): void {
  const c = counters;
  row.put('scur', c.scur);
  row.put('smax', c.smax);
  row.put('stot', c.stot);
  row.put('bin', c.bin);
  row.put('bout', c.bout);
  row.put('rate', c.rate);
  row.put('rate_max', c.rateMax);
  row.put('req_rate', c.reqRate);
  row.put('req_rate_max', c.reqRateMax);
  row.put('req_tot', c.reqTot);
  row.put('hrsp_2xx', c.hrsp2xx);
  row.put('hrsp_4xx', c.hrsp4xx);
  row.put('hrsp_5xx', c.hrsp5xx);
  row.put('lbtot', c.lbtot);
  row.put('conn_tot', c.connTot);
  row.put('conn_rate', c.connRate);
  row.put('conn_rate_max', c.connRateMax);
  row.put('connect', c.lbtot);
}

/** One stats object: its type letter, ids and the field values by name. */
export interface StatObject {
  kind: 'F' | 'B' | 'S' | 'L';
  iid: number;
  sid: number;
  values: FieldValues;
}

const FIELD_INDEX = new Map(STAT_FIELDS.map((field, index) => [field, index]));

/** The values of one stats object by column (undefined = empty/absent). An array: rows are many. */
export class FieldValues {
  readonly items: (string | undefined)[];
  constructor(items: (string | undefined)[] = new Array(STAT_FIELDS.length)) {
    this.items = items;
  }
  get(field: string): string | undefined {
    const index = FIELD_INDEX.get(field);
    return index === undefined ? undefined : this.items[index];
  }
  set(field: string, value: string): void {
    const index = FIELD_INDEX.get(field);
    if (index !== undefined) this.items[index] = value;
  }
  delete(field: string): void {
    const index = FIELD_INDEX.get(field);
    if (index !== undefined) this.items[index] = undefined;
  }
}

/** Per kind of row: '0' in every column that kind fills, undefined elsewhere. */
const TEMPLATES: Record<string, (string | undefined)[]> = Object.fromEntries(
  Object.entries(PRESENT).map(([kind, fields]) => {
    const items: (string | undefined)[] = new Array(STAT_FIELDS.length);
    for (const field of fields) items[FIELD_INDEX.get(field)!] = field === '-' ? '-' : '0';
    return [kind, items];
  }),
);

/** Writes a row: `put` fills only the columns the row kind has (or ones `enable`d). */
class Row {
  readonly values: FieldValues;
  constructor(template: (string | undefined)[]) {
    this.values = new FieldValues(template.slice());
  }
  put(field: string, value: string | number): void {
    const index = FIELD_INDEX.get(field)!;
    if (this.values.items[index] !== undefined) this.values.items[index] = String(value);
  }
  enable(field: string, value: string | number): void {
    this.values.items[FIELD_INDEX.get(field)!] = String(value);
  }
}

function frontendObject(proxy: ProxyState): StatObject {
  const row = new Row(TEMPLATES[`F:${proxy.mode}`]!);
  putCounters(row, proxy.counters);
  row.put('pxname', proxy.name);
  row.put('svname', 'FRONTEND');
  row.put('slim', proxy.maxconn);
  row.put('status', proxy.feState);
  row.put('pid', 1);
  row.put('iid', proxy.iid);
  row.put('type', 0);
  row.put('mode', proxy.mode);
  return { kind: 'F', iid: proxy.iid, sid: 0, values: row.values };
}

const LISTENER_TEMPLATE: (string | undefined)[] = (() => {
  const items: (string | undefined)[] = new Array(STAT_FIELDS.length);
  const fields =
    'pxname svname scur smax slim stot bin bout dreq dresp ereq status pid iid sid type addr mode dcon dses wrew eint - ssl_sess ssl_reused_sess ssl_failed_handshake';
  for (const field of fields.split(' ')) items[FIELD_INDEX.get(field)!] = field === '-' ? '-' : '0';
  return items;
})();

function listenerObjects(context: StatsContext, proxy: ProxyState): StatObject[] {
  return proxy.binds.map((bind, index) => {
    const row = new Row(LISTENER_TEMPLATE);
    row.put('pxname', proxy.name);
    row.put('svname', proxy.bindNames[index] ?? `sock-${index + 1}`);
    row.put('status', proxy.feState);
    row.put('pid', 1);
    row.put('iid', proxy.iid);
    row.put('sid', index + 1);
    row.put('type', 3);
    row.put('addr', bind.replace(/^ipv4@/, ''));
    row.put('mode', proxy.mode);
    if (context.level === 'user') row.values.delete('addr');
    return { kind: 'L' as const, iid: proxy.iid, sid: index + 1, values: row.values };
  });
}

function backendObject(context: StatsContext, proxy: ProxyState, counted: boolean): StatObject {
  const { weight, act, bck, up } = backendWeights(proxy);
  const down = proxy.servers.length > 0 && up === 0;
  // With `no-maint` / `up`, the status also tells how many servers are usable.
  const tally = counted ? ` (${up}/${proxy.servers.length})` : '';
  const row = new Row(TEMPLATES[`B:${proxy.mode}`]!);
  putCounters(row, proxy.counters);
  row.put('pxname', proxy.name);
  row.put('svname', 'BACKEND');
  row.put('slim', proxy.fullconn);
  row.put('status', `${down ? 'DOWN' : 'UP'}${tally}`);
  row.put('weight', weight);
  row.put('act', act);
  row.put('bck', bck);
  row.put('lastchg', age(context, proxy.lastChange));
  row.put('pid', 1);
  row.put('iid', proxy.iid);
  row.put('type', 1);
  row.put('lastsess', proxy.counters.lastSess < 0 ? -1 : age(context, proxy.counters.lastSess));
  row.put('mode', proxy.mode);
  row.put('algo', proxy.balance);
  row.put('uweight', weight);
  // A backend without servers has no downtime: HAProxy leaves the field out (empty in CSV, absent
  // from typed and JSON output).
  if (proxy.servers.length === 0) row.values.delete('downtime');
  return { kind: 'B', iid: proxy.iid, sid: 0, values: row.values };
}

/** `track s1` means a server of the same backend; `tracked` always names `<backend>/<server>`. */
export function trackedName(proxy: ProxyState, track: string): string {
  return track.includes('/') ? track : `${proxy.name}/${track}`;
}

function serverObject(context: StatsContext, proxy: ProxyState, server: ServerState): StatObject {
  const row = new Row(TEMPLATES[`S:${proxy.mode}`]!);
  putCounters(row, server.counters);
  row.put('pxname', proxy.name);
  row.put('svname', server.name);
  row.put('status', serverStatus(server));
  row.put('weight', server.weight);
  row.put('act', server.backup ? 0 : 1);
  row.put('bck', server.backup ? 1 : 0);
  row.put('lastchg', age(context, server.lastChange));
  row.put('pid', 1);
  row.put('iid', proxy.iid);
  row.put('sid', server.id);
  row.put('type', 2);
  row.put('lastsess', server.counters.lastSess < 0 ? -1 : age(context, server.counters.lastSess));
  row.put('addr', statAddress(server.address, server.port));
  row.put('mode', proxy.mode);
  row.put('uweight', server.weight);
  if (server.track) row.enable('tracked', trackedName(proxy, server.track));
  if (server.maxconn > 0) row.enable('slim', server.maxconn);
  if (server.dynamic) row.enable('src_ilim', 0);
  if (server.check.enabled) {
    row.enable('chkfail', 0);
    row.enable('chkdown', 0);
    row.enable('downtime', 0);
    row.enable('check_status', server.running ? 'L4OK' : 'L4CON');
    row.enable('check_duration', 0);
    row.enable('check_desc', server.running ? 'Layer4 check passed' : 'Layer4 connection problem');
    row.enable('check_rise', server.check.rise);
    row.enable('check_fall', server.check.fall);
    row.enable('check_health', server.running ? server.check.rise + server.check.fall - 1 : 0);
    if (!server.running) row.enable('last_chk', 'Connection refused');
  }
  if (server.agent.configured && server.agent.enabled) {
    row.enable('agent_status', 'L7OK');
    row.enable('agent_duration', 0);
    row.enable('agent_desc', 'Layer7 check passed');
    row.enable('agent_rise', server.agent.rise);
    row.enable('agent_fall', server.agent.fall);
    row.enable('agent_health', server.agent.rise + server.agent.fall - 1);
  }
  if (context.level === 'user') row.values.delete('addr');
  return { kind: 'S', iid: proxy.iid, sid: server.id, values: row.values };
}

/** Filters of `show stat`: proxy iid (-1 all), type bitmask (1 FE, 2 BE, 4 SV), server id (-1 all). */
export interface StatFilter {
  iid: number;
  type: number;
  sid: number;
  noMaint: boolean;
  up: boolean;
}

/** Every stats object in HAProxy's order (per proxy: frontend, servers, backend). */
export function statObjects(context: StatsContext, filter: StatFilter): StatObject[] {
  const out: StatObject[] = [];
  for (const proxy of context.state.proxies) {
    if (filter.iid !== -1 && proxy.iid !== filter.iid) continue;
    if (proxy.frontend && filter.type & 1) out.push(frontendObject(proxy));
    if (proxy.frontend && proxy.socketStats && filter.type & 8) out.push(...listenerObjects(context, proxy));
    if (proxy.backend && filter.type & 4) {
      for (const server of proxy.servers) {
        if (filter.sid !== -1 && server.id !== filter.sid) continue;
        if (filter.noMaint && inMaint(server)) continue;
        if (filter.up && !usable(server)) continue;
        out.push(serverObject(context, proxy, server));
      }
    }
    if (proxy.backend && filter.type & 2)
      out.push(backendObject(context, proxy, filter.noMaint || filter.up));
  }
  return out;
}

/** Types of fields the recorded output did not show for a kind (e.g. a server's `slim`). */
const EXTRA_TYPES: Record<string, string> = {
  'S.6': 'CLP:u32',
  'S.89': 'CLP:u32',
  'L.6': 'CLP:u32',
  'L.73': 'CGS:str',
};

function typeOf(kind: string, pos: number): string {
  return (
    STAT_FIELD_TYPES[kind]?.[pos] ??
    EXTRA_TYPES[`${kind}.${pos}`] ??
    (kind === 'L' ? STAT_FIELD_TYPES.F?.[pos] : undefined) ??
    'MGP:u32'
  );
}

/** The `-` separator column takes no position in typed/JSON output. */
const DASH = STAT_FIELDS.indexOf('-');

/** The CSV header line of `show stat`. */
export const STAT_HEADER = `# ${STAT_FIELDS.join(',')},\n`;

/** Render stats objects as CSV, typed or JSON, exactly as 2.6.12 does. */
export function renderStat(objects: StatObject[], format: 'csv' | 'typed' | 'json'): string {
  if (format === 'csv') {
    let out = STAT_HEADER;
    for (const object of objects) {
      out += `${Array.from(object.values.items, (value) => value ?? '').join(',')},\n`;
    }
    return `${out}\n`;
  }
  const objType = { F: 'Frontend', B: 'Backend', S: 'Server', L: 'Listener' } as const;
  if (format === 'typed') {
    let out = '';
    for (const object of objects) {
      STAT_FIELDS.forEach((field, index) => {
        const value = object.values.items[index];
        if (value === undefined || field === '-') return;
        const pos = index > DASH ? index - 1 : index;
        const tagType = typeOf(object.kind, pos);
        out += `${object.kind}.${object.iid}.${object.sid}.${pos}.${field}.1:${tagType}:${value}\n`;
      });
    }
    return `${out}\n`;
  }
  const arrays = objects.map((object) => {
    const items: unknown[] = [];
    STAT_FIELDS.forEach((field, index) => {
      const value = object.values.items[index];
      if (value === undefined || field === '-') return;
      const pos = index > DASH ? index - 1 : index;
      const [tags, type] = typeOf(object.kind, pos).split(':') as [string, string];
      items.push({
        objType: objType[object.kind],
        proxyId: object.iid,
        id: object.sid,
        field: { pos, name: field },
        processNum: 1,
        tags: jsonTags(tags),
        value: jsonValue(type, value),
      });
    });
    return items;
  });
  return `${JSON.stringify(arrays)}\n\n`;
}

/** `addr` as `show stat` prints it: `unix` for a Unix-socket server (2.6.12), `[v6]:port`, `v4:port`. */
export function statAddress(address: string, port: number): string {
  if (isUnixAddress(address)) return 'unix';
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** `srv_addr` as `show servers state` prints it: `-` for a Unix-socket server (2.6.12). */
export function stateAddress(address: string): string {
  return isUnixAddress(address) ? '-' : address;
}

function isUnixAddress(address: string): boolean {
  return address.startsWith('unix@') || address.startsWith('/');
}
