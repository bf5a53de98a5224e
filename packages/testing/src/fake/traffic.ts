import {
  type Counters,
  type FakeState,
  findBackend,
  findFrontend,
  findServer,
  type HeldSession,
  type ProxyState,
  type ServerState,
  usable,
} from './state.js';

/** What traffic to simulate. Without `server`, requests are spread over the usable servers by weight. */
export interface TrafficOptions {
  frontend?: string;
  backend?: string;
  server?: string;
  /** HTTP requests (default = sessions, or 1). */
  requests?: number;
  /** Sessions / connections (default = requests). */
  sessions?: number;
  /** Sessions still open afterwards (`scur`). Default 0. */
  current?: number;
  /** Bytes in / out per request (default 100 / 1000). */
  bytesIn?: number;
  bytesOut?: number;
  /** HTTP status class of the responses (default 2). */
  status?: 2 | 4 | 5;
}

function bump(
  counters: Counters,
  sessions: number,
  requests: number,
  options: TrafficOptions,
  now: number,
): void {
  const current = options.current ?? 0;
  counters.stot += sessions;
  counters.connTot += sessions;
  counters.reqTot += requests;
  counters.bin += requests * (options.bytesIn ?? 100);
  counters.bout += requests * (options.bytesOut ?? 1000);
  counters.rate = sessions;
  counters.rateMax = Math.max(counters.rateMax, sessions);
  counters.connRate = sessions;
  counters.connRateMax = Math.max(counters.connRateMax, sessions);
  counters.reqRate = requests;
  counters.reqRateMax = Math.max(counters.reqRateMax, requests);
  counters.scur = current;
  counters.smax = Math.max(counters.smax, current, sessions > 0 ? 1 : 0);
  const status = options.status ?? 2;
  if (status === 2) counters.hrsp2xx += requests;
  else if (status === 4) counters.hrsp4xx += requests;
  else counters.hrsp5xx += requests;
  counters.lastSess = now;
}

/**
 * Bump frontend, backend and server counters so that `show stat` / `show info` move as if traffic
 * had gone through. Throws on unknown names so a typo cannot silently test nothing.
 */
export function simulateTraffic(state: FakeState, options: TrafficOptions, now: number): void {
  const requests = options.requests ?? options.sessions ?? 1;
  const sessions = options.sessions ?? requests;
  let frontend: ProxyState | undefined;
  let backend: ProxyState | undefined;
  if (options.frontend) {
    frontend = findFrontend(state, options.frontend);
    if (!frontend) throw new Error(`simulateTraffic: no frontend '${options.frontend}'`);
  }
  if (options.backend) {
    backend = findBackend(state, options.backend);
    if (!backend) throw new Error(`simulateTraffic: no backend '${options.backend}'`);
  } else if (frontend?.defaultBackend) {
    backend = findBackend(state, frontend.defaultBackend);
  }
  if (!frontend && !backend) throw new Error('simulateTraffic: give a frontend and/or a backend');
  if (frontend) bump(frontend.counters, sessions, requests, options, now);
  if (!backend) {
    state.global.cumConns += sessions;
    state.global.cumReq += requests;
    return;
  }
  bump(backend.counters, sessions, requests, options, now);
  backend.counters.lbtot += sessions;
  let targets: { server: ServerState; share: number }[];
  if (options.server) {
    const server = findServer(backend, options.server);
    if (!server) throw new Error(`simulateTraffic: no server '${options.server}' in '${backend.name}'`);
    targets = [{ server, share: 1 }];
  } else {
    const up = backend.servers.filter((server) => usable(server) && !server.backup && server.weight > 0);
    const pool = up.length > 0 ? up : backend.servers.filter((server) => usable(server) && server.weight > 0);
    const total = pool.reduce((sum, server) => sum + server.weight, 0);
    targets = pool.map((server) => ({ server, share: server.weight / total }));
  }
  let leftSessions = sessions;
  let leftRequests = requests;
  targets.forEach(({ server, share }, i) => {
    const last = i === targets.length - 1;
    const s = last ? leftSessions : Math.round(sessions * share);
    const r = last ? leftRequests : Math.round(requests * share);
    leftSessions -= s;
    leftRequests -= r;
    bump(server.counters, s, r, { ...options, current: last ? (options.current ?? 0) : 0 }, now);
    server.counters.lbtot += s;
  });
  state.global.cumConns += sessions;
  state.global.cumReq += requests;
  state.global.maxConnRate = Math.max(state.global.maxConnRate, sessions);
  state.global.maxSessRate = Math.max(state.global.maxSessRate, sessions);
  state.global.totalBytesOut += requests * (options.bytesOut ?? 1000);
}

/** Which server's open sessions {@link setSessions} changes. */
export interface SessionTarget {
  backend: string;
  server: string;
  /** The frontend the sessions came in through (its `scur` moves too). Optional. */
  frontend?: string;
}

/**
 * Hold `count` sessions open on a server (`scur` of the server and its backend, and of the
 * frontend when given): more than before opens new sessions (`stot`, `smax` grow), fewer closes
 * some. Use it to simulate a drain: hold sessions, start draining, then lower them over time.
 * `shutdown sessions server` closes them all, as on a real HAProxy.
 */
export function setSessions(
  state: FakeState,
  target: SessionTarget,
  count: number,
  now: number,
  epoch = 0,
): void {
  if (!Number.isInteger(count) || count < 0) throw new Error(`setSessions: bad count ${count}`);
  const backend = findBackend(state, target.backend);
  if (!backend) throw new Error(`setSessions: no backend '${target.backend}'`);
  const server = findServer(backend, target.server);
  if (!server) throw new Error(`setSessions: no server '${target.server}' in '${backend.name}'`);
  const frontend = target.frontend === undefined ? undefined : findFrontend(state, target.frontend);
  if (target.frontend !== undefined && !frontend)
    throw new Error(`setSessions: no frontend '${target.frontend}'`);
  const delta = count - server.counters.scur;
  for (const counters of [server.counters, backend.counters, ...(frontend ? [frontend.counters] : [])]) {
    counters.scur = Math.max(0, counters.scur + delta);
    counters.smax = Math.max(counters.smax, counters.scur);
    if (delta > 0) {
      counters.stot += delta;
      counters.connTot += delta;
      counters.lastSess = now;
    }
  }
  if (delta > 0) state.global.cumConns += delta;
  // The sessions themselves, for `show sess` / `shutdown session`.
  const held = (state.heldSessions ??= []);
  const mine = held.filter((session) => session.backend === backend.name && session.server === server.name);
  for (let i = mine.length; i < count; i++) {
    const last = held.reduce((max, session) => Math.max(max, session.id), 0x55d0c1a2d3f0);
    const n = (last - 0x55d0c1a2d3f0) / 0x2c10;
    held.push({
      id: last + 0x2c10,
      frontend: frontend?.name ?? sessionFrontend(state, backend).name,
      frontendCounted: frontend !== undefined,
      backend: backend.name,
      server: server.name,
      port: 40000 + (n % 20000),
      start: now,
      epoch,
      fd: 30 + 2 * (n % 400),
    });
  }
  for (const session of mine.slice(count).reverse()) held.splice(held.indexOf(session), 1);
}

/** The frontend a held session came through when none is named: one routing to the backend. */
function sessionFrontend(state: FakeState, backend: ProxyState): ProxyState {
  const frontends = state.proxies.filter((proxy) => proxy.frontend);
  return (
    (backend.frontend ? backend : undefined) ??
    frontends.find((proxy) => proxy.defaultBackend === backend.name) ??
    frontends.find((proxy) => proxy.useBackends.includes(backend.name)) ??
    frontends.find((proxy) => proxy.mode === backend.mode) ??
    frontends[0] ??
    backend
  );
}

/**
 * Close held sessions (`shutdown session`, `shutdown sessions server`): they leave `scur` of their
 * server, backend and frontend.
 */
export function closeHeldSessions(state: FakeState, sessions: readonly HeldSession[]): void {
  for (const session of sessions) {
    const held = state.heldSessions ?? [];
    const index = held.indexOf(session);
    if (index < 0) continue;
    held.splice(index, 1);
    const backend = findBackend(state, session.backend);
    const server = backend && findServer(backend, session.server);
    const frontend = session.frontendCounted ? findFrontend(state, session.frontend) : undefined;
    for (const counters of [server?.counters, backend?.counters, frontend?.counters]) {
      if (counters) counters.scur = Math.max(0, counters.scur - 1);
    }
  }
}
