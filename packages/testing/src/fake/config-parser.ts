import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  ADMIN_CMAINT,
  ADMIN_FMAINT,
  emptyCounters,
  type FakeState,
  type Level,
  type PatternRefState,
  type ProxyState,
  type ServerState,
  type StickTableState,
} from './state.js';

/** How to read the configuration: where relative files are, and what the file is called in descriptions. */
export interface ParseConfigOptions {
  /** The folder relative ACL/map paths are resolved against. */
  dir: string;
  /** The configuration file name as it appears in `show acl` descriptions. */
  configPath: string;
  /** Files given inline (path → content); looked up before the disk. */
  files?: Record<string, string>;
  /** Clock ms at start. */
  now: number;
  /**
   * The first pattern entry reference (a memory address in HAProxy). Default 0x55d0c0a01000; a
   * cluster gives each process its own, as separate processes have separate heaps.
   */
  refBase?: number | undefined;
}

/** Thrown when the configuration cannot be understood. */
export class FakeConfigError extends Error {
  override name = 'FakeConfigError';
}

const DURATION_UNITS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parse an HAProxy duration (`2s`, `30m`, `100` = ms). */
export function parseDuration(text: string, defaultUnit = 'ms'): number {
  const match = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text);
  if (!match) return 0;
  return Number(match[1]) * (DURATION_UNITS[match[2] ?? defaultUnit] ?? 1);
}

/** Parse a size with an optional k/m/g suffix. */
function parseSize(text: string): number {
  const match = /^(\d+)([kmg])?$/i.exec(text);
  if (!match) return 0;
  const factor = { k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[match[2]?.toLowerCase() ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

/** Split an `addr:port` (IPv6 in brackets allowed). */
export function splitAddress(text: string): { address: string; port: number } {
  const bracket = /^\[(.*)\](?::(\d+))?$/.exec(text);
  if (bracket) return { address: bracket[1]!, port: Number(bracket[2] ?? 0) };
  const colon = text.lastIndexOf(':');
  if (colon > 0 && text.indexOf(':') === colon) {
    return { address: text.slice(0, colon), port: Number(text.slice(colon + 1)) || 0 };
  }
  return { address: text, port: 0 };
}

/** Match kind of an ACL sample fetch (`path_beg` → beg, `src` → ip…). */
function aclMatch(fetch: string, flags: string[]): string {
  const mIndex = flags.indexOf('-m');
  if (mIndex >= 0 && flags[mIndex + 1]) return flags[mIndex + 1]!;
  if (/^(src|dst|req\.hdr_ip|hdr_ip)/.test(fetch)) return 'ip';
  const suffix = /_(beg|end|sub|reg|dir|dom|len|str|ip|found|int)$/.exec(fetch);
  return suffix ? suffix[1]! : 'str';
}

/** Match kind of a `map_*` converter. */
function mapMatch(converter: string): string {
  if (converter === 'map') return 'str';
  const kind = converter.slice(4).split('_')[0] ?? 'str';
  return kind;
}

/** A server from its `server` line words (configuration, or `add server` with `dynamic`). */
export function newServer(
  id: number,
  name: string,
  addr: string,
  words: string[],
  now: number,
  dynamic: boolean,
): ServerState {
  const { address, port } = splitAddress(addr);
  const server: ServerState = {
    id,
    name,
    address,
    port,
    weight: 1,
    initialWeight: 1,
    backup: false,
    admin: 0,
    running: true,
    maxconn: 0,
    check: { configured: false, enabled: false, rise: 2, fall: 3, port: 0, addr: '', health: 0 },
    agent: { configured: false, enabled: false, rise: 1, fall: 1, port: 0, addr: '', send: '' },
    fqdn: '',
    dynamic,
    lastChange: now,
    counters: emptyCounters(),
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1] ?? '';
    switch (word) {
      case 'weight':
        server.weight = server.initialWeight = Number(next) || 0;
        i++;
        break;
      case 'check':
        server.check.configured = true;
        server.check.enabled = !dynamic;
        break;
      case 'backup':
        server.backup = true;
        break;
      case 'disabled':
        server.admin |= ADMIN_FMAINT | ADMIN_CMAINT;
        server.running = false;
        break;
      case 'maxconn':
        server.maxconn = Number(next) || 0;
        i++;
        break;
      case 'rise':
        server.check.rise = Number(next) || 2;
        i++;
        break;
      case 'fall':
        server.check.fall = Number(next) || 3;
        i++;
        break;
      case 'port':
        server.check.port = Number(next) || 0;
        i++;
        break;
      case 'addr':
        server.check.addr = next;
        i++;
        break;
      case 'agent-check':
        server.agent.configured = true;
        server.agent.enabled = true;
        break;
      case 'resolvers':
        server.resolvers = next;
        i++;
        break;
      case 'track':
        server.track = next;
        i++;
        break;
      case 'ssl':
        server.sslConfigured = true;
        server.useSsl = true;
        break;
      case 'no-ssl':
        server.useSsl = false;
        break;
      case 'agent-port':
        server.agent.port = Number(next) || 0;
        i++;
        break;
      case 'agent-addr':
        server.agent.addr = next;
        i++;
        break;
      case 'agent-send':
        server.agent.send = next;
        i++;
        break;
      case 'inter':
      case 'fastinter':
      case 'downinter':
      case 'agent-inter':
      case 'maxqueue':
      case 'minconn':
      case 'slowstart':
      case 'cookie':
      case 'id':
      case 'init-addr':
      case 'on-error':
      case 'observe':
      case 'error-limit':
        i++;
        break;
      default:
        break;
    }
  }
  server.check.health = server.running && !dynamic ? server.check.rise : 0;
  if (dynamic && server.check.configured) server.check.result = 'ini';
  return server;
}

/** Parse `store` data types of a stick-table (`http_req_rate(10s)` → `http_req_rate`). */
function parseStore(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += char;
  }
  if (current) out.push(current);
  return out;
}

function parseStickTable(name: string, words: string[]): StickTableState {
  const table: StickTableState = { name, type: 'ip', size: 0, expire: 0, store: [], entries: [] };
  for (let i = 0; i < words.length; i++) {
    const next = words[i + 1] ?? '';
    switch (words[i]) {
      case 'type':
        table.type = next;
        i++;
        break;
      case 'size':
        table.size = parseSize(next);
        i++;
        break;
      case 'expire':
        table.expire = parseDuration(next);
        i++;
        break;
      case 'store':
        table.store = parseStore(next);
        i++;
        break;
      case 'len':
        table.keyLen = Number.parseInt(next, 10);
        i++;
        break;
      default:
        break;
    }
  }
  return table;
}

/**
 * Build the state of one process from HAProxy configuration text, numbering proxies, servers and
 * pattern references the way HAProxy 2.6 does.
 */
export function parseConfig(text: string, options: ParseConfigOptions): FakeState {
  const state: FakeState = {
    global: {
      maxconn: 0,
      hardMaxconn: 0,
      nbthread: 1,
      description: '',
      node: 'fake-haproxy',
      statsTimeout: 10_000,
      bufsize: 16384,
      sockets: [],
      connRateLimit: 0,
      sessRateLimit: 0,
      sslRateLimit: 0,
      compressRateLimit: 0,
      cumConns: 0,
      cumReq: 0,
      maxConnRate: 0,
      maxSessRate: 0,
      totalBytesOut: 0,
    },
    proxies: [],
    patterns: [],
    nextRef: options.refBase ?? 0x55d0c0a01000,
  };
  const readPatternFile = (path: string): string => {
    const inline = options.files?.[path] ?? options.files?.[path.replace(`${options.dir}/`, '')];
    if (inline !== undefined) return inline;
    try {
      return readFileSync(isAbsolute(path) ? path : join(options.dir, path), 'utf8');
    } catch {
      throw new FakeConfigError(`cannot read pattern file '${path}'`);
    }
  };
  const aclRefs: PatternRefState[] = [];
  const mapUses: { file: string; line: number; match: string }[] = [];
  let section = '';
  let current: ProxyState | undefined;
  let defaultMode: 'http' | 'tcp' = 'tcp';
  let defaultBalance = 'roundrobin';
  let defaultMaxconn = 0;
  let defaultSocketStats = false;
  let defaultServerWords: string[] = [];
  let defaultTimeoutClient = 0;
  let defaultTimeoutServer = 0;
  let proxyServerWords: string[] = [];
  const lines = text.split('\n');
  const addRef = (kind: 'acl' | 'map', file: string, description: string, match: string): PatternRefState => {
    const ref: PatternRefState = {
      id: -1,
      kind,
      file,
      description,
      match,
      currVer: 0,
      nextVer: 0,
      entries: [],
    };
    return ref;
  };
  for (let lineNo = 1; lineNo <= lines.length; lineNo++) {
    const raw = lines[lineNo - 1]!.replace(/(^|\s)#.*$/, '');
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const keyword = words[0]!;
    if (/^[^\s]/.test(raw)) {
      section = keyword;
      current = undefined;
      if (keyword === 'resolvers')
        (state.global.resolvers ??= []).push({ name: words[1] ?? '', nameservers: [] });
      if (['frontend', 'backend', 'listen'].includes(keyword)) {
        const name = words[1] ?? '';
        current = {
          iid: 0,
          name,
          frontend: keyword !== 'backend',
          backend: keyword !== 'frontend',
          mode: defaultMode,
          balance: defaultBalance,
          maxconn: defaultMaxconn,
          fullconn: 0,
          feState: 'OPEN',
          binds: [],
          bindNames: [],
          socketStats: defaultSocketStats,
          servers: [],
          nextServerId: 1,
          defaultBackend: keyword === 'listen' ? name : '',
          useBackends: [],
          stickTable: undefined,
          counters: emptyCounters(),
          lastChange: options.now,
          timeoutClient: defaultTimeoutClient,
          timeoutServer: defaultTimeoutServer,
        };
        state.proxies.push(current);
        proxyServerWords = defaultServerWords;
      }
      continue;
    }
    if (section === 'resolvers') {
      if (keyword === 'nameserver' && words[1]) state.global.resolvers?.at(-1)?.nameservers.push(words[1]);
      continue;
    }
    if (section === 'global') {
      const next = words[1] ?? '';
      switch (keyword) {
        case 'stats':
          if (next === 'socket') {
            const levelIndex = words.indexOf('level');
            const level = (levelIndex >= 0 ? words[levelIndex + 1] : 'admin') as Level;
            const modeIndex = words.indexOf('mode');
            const mode = modeIndex >= 0 ? Number.parseInt(words[modeIndex + 1] ?? '', 8) : Number.NaN;
            state.global.sockets.push({
              address: (words[2] ?? '').replace(/^"|"$/g, ''),
              level,
              ...(Number.isNaN(mode) ? {} : { mode }),
            });
          } else if (next === 'timeout') state.global.statsTimeout = parseDuration(words[2] ?? '10s', 's');
          break;
        case 'maxconn':
          state.global.maxconn = state.global.hardMaxconn = Number(next) || 0;
          break;
        case 'tune.bufsize':
          state.global.bufsize = Number(next) || 16384;
          break;
        case 'nbthread':
          state.global.nbthread = Number(next) || 1;
          break;
        case 'description':
          state.global.description = words.slice(1).join(' ');
          break;
        case 'node':
          state.global.node = next;
          break;
        default:
          break;
      }
      continue;
    }
    if (section === 'defaults') {
      if (keyword === 'mode') defaultMode = words[1] === 'http' ? 'http' : 'tcp';
      if (keyword === 'balance') defaultBalance = words[1] ?? 'roundrobin';
      if (keyword === 'maxconn') defaultMaxconn = Number(words[1]) || 0;
      if (keyword === 'option' && words[1] === 'socket-stats') defaultSocketStats = true;
      if (keyword === 'default-server') defaultServerWords = words.slice(1);
      if (keyword === 'timeout' && words[1] === 'client')
        defaultTimeoutClient = parseDuration(words[2] ?? '0');
      if (keyword === 'timeout' && words[1] === 'server')
        defaultTimeoutServer = parseDuration(words[2] ?? '0');
      if (keyword === 'no' && words[1] === 'option' && words[2] === 'socket-stats')
        defaultSocketStats = false;
      continue;
    }
    if (!current) continue;
    const proxy = current;
    switch (keyword) {
      case 'mode':
        proxy.mode = words[1] === 'http' ? 'http' : 'tcp';
        break;
      case 'balance':
        proxy.balance = words[1] ?? 'roundrobin';
        break;
      case 'timeout':
        if (words[1] === 'client') proxy.timeoutClient = parseDuration(words[2] ?? '0');
        if (words[1] === 'server') proxy.timeoutServer = parseDuration(words[2] ?? '0');
        break;
      case 'hash-type':
        proxy.hashType = words[1] ?? 'map-based';
        break;
      case 'maxconn':
        proxy.maxconn = Number(words[1]) || 0;
        break;
      case 'fullconn':
        proxy.fullconn = Number(words[1]) || 0;
        break;
      case 'bind': {
        proxy.binds.push(words[1] ?? '');
        const nameIndex = words.indexOf('name');
        proxy.bindNames.push(nameIndex > 1 ? (words[nameIndex + 1] ?? '') : `sock-${proxy.binds.length}`);
        break;
      }
      case 'option':
        if (words[1] === 'socket-stats') proxy.socketStats = true;
        break;
      case 'no':
        if (words[1] === 'option' && words[2] === 'socket-stats') proxy.socketStats = false;
        break;
      case 'default_backend':
        proxy.defaultBackend = words[1] ?? '';
        break;
      case 'use_backend':
        if (words[1] && !words[1].includes('%[')) proxy.useBackends.push(words[1]);
        break;
      case 'default-server':
        proxyServerWords = words.slice(1);
        break;
      case 'server': {
        const server = newServer(
          proxy.nextServerId++,
          words[1] ?? '',
          words[2] ?? '',
          [...proxyServerWords, ...words.slice(3)],
          options.now,
          false,
        );
        proxy.servers.push(server);
        break;
      }
      case 'server-template': {
        const range = /^(\d+)(?:-(\d+))?$/.exec(words[2] ?? '');
        const from = range?.[2] ? Number(range[1]) : 1;
        const to = range?.[2] ? Number(range[2]) : Number(range?.[1] ?? 0);
        for (let n = from; n <= to; n++) {
          proxy.servers.push(
            newServer(
              proxy.nextServerId++,
              `${words[1]}${n}`,
              words[3] ?? '',
              [...proxyServerWords, ...words.slice(4)],
              options.now,
              false,
            ),
          );
        }
        break;
      }
      case 'stick-table':
        proxy.stickTable = parseStickTable(proxy.name, words.slice(1));
        break;
      case 'acl': {
        const fetch = words[2] ?? '';
        const flags = words.slice(3);
        const match = aclMatch(fetch, flags);
        const files: string[] = [];
        const inline: string[] = [];
        for (let i = 0; i < flags.length; i++) {
          const flag = flags[i]!;
          if (flag === '-f') {
            files.push(flags[++i] ?? '');
          } else if (flag === '-m' || flag === '-M') i++;
          else if (flag === '--') {
            inline.push(...flags.slice(i + 1));
            break;
          } else if (!flag.startsWith('-')) inline.push(flag);
        }
        for (const file of files) {
          let ref = aclRefs.find((candidate) => candidate.file === file);
          if (!ref) {
            ref = addRef(
              'acl',
              file,
              `pattern loaded from file '${file}' used by acl at file '${options.configPath}' line ${lineNo}`,
              match,
            );
            for (const pattern of readPatternFile(file).split('\n')) {
              const trimmed = pattern.trim();
              if (trimmed && !trimmed.startsWith('#')) {
                ref.entries.push({ ref: state.nextRef, key: trimmed, value: undefined, version: 0 });
                state.nextRef += 0x40;
              }
            }
            aclRefs.push(ref);
          }
        }
        const own = addRef('acl', '', `acl '${fetch}' file '${options.configPath}' line ${lineNo}`, match);
        for (const pattern of inline) {
          own.entries.push({ ref: state.nextRef, key: pattern, value: undefined, version: 0 });
          state.nextRef += 0x40;
        }
        aclRefs.push(own);
        break;
      }
      default:
        break;
    }
    for (const use of raw.matchAll(/\b(map(?:_[a-z]+)?)\(([^,)]+)/g)) {
      mapUses.push({ file: use[2]!, line: lineNo, match: mapMatch(use[1]!) });
    }
  }
  // Numbering: user proxies start at iid 2 (HAProxy's internal proxies take the others), in order.
  state.proxies.forEach((proxy, index) => {
    proxy.iid = index + 2;
  });
  for (const proxy of state.proxies) {
    if (proxy.frontend && proxy.maxconn === 0) proxy.maxconn = state.global.maxconn;
  }
  // A backend's default fullconn is a tenth of the maxconn of the frontends that reference it.
  for (const proxy of state.proxies) {
    if (!proxy.backend || proxy.fullconn) continue;
    let sum = 0;
    for (const frontend of state.proxies) {
      if (!frontend.frontend) continue;
      if (frontend.defaultBackend === proxy.name || frontend.useBackends.includes(proxy.name))
        sum += frontend.maxconn;
    }
    proxy.fullconn = Math.max(1, Math.ceil(sum / 10));
  }
  // Pattern ids: named ACLs in order, then the two refs of the internal httpclient, then maps.
  const refs: PatternRefState[] = [...aclRefs];
  for (let i = 0; i < 2; i++) {
    const ref = addRef('acl', '', `acl 'var' file 'httpclient' line 0`, 'str');
    ref.entries.push({ ref: state.nextRef, key: 'httpclient', value: undefined, version: 0 });
    state.nextRef += 0x40;
    refs.push(ref);
  }
  for (const use of mapUses) {
    if (refs.some((ref) => ref.file === use.file)) continue;
    const ref = addRef(
      'map',
      use.file,
      `pattern loaded from file '${use.file}' used by map at file '${options.configPath}' line ${use.line}`,
      use.match,
    );
    for (const line of readPatternFile(use.file).split('\n')) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) continue;
      const space = trimmed.search(/\s/);
      const key = space < 0 ? trimmed : trimmed.slice(0, space);
      const value = space < 0 ? '' : trimmed.slice(space).trim();
      ref.entries.push({ ref: state.nextRef, key, value, version: 0 });
      state.nextRef += 0x40;
    }
    refs.push(ref);
  }
  refs.forEach((ref, index) => {
    ref.id = index;
  });
  state.patterns = refs;
  if (state.global.maxconn === 0) state.global.maxconn = state.global.hardMaxconn = 4000;
  for (const proxy of state.proxies)
    if (proxy.frontend && proxy.maxconn === 0) proxy.maxconn = state.global.maxconn;
  return state;
}
