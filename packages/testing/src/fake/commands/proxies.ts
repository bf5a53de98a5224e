import { type CliSessionInfo, type CommandContext, err, OK, type Reply } from '../command.js';
import {
  emptyCounters,
  findBackend,
  findFrontend,
  findServer,
  type HeldSession,
  type ProxyState,
} from '../state.js';
import { closeHeldSessions } from '../traffic.js';
import type { BuiltinCommand } from './types.js';

/** C's atoi: leading digits, garbage gives 0. */
export function atoi(text: string | undefined): number {
  const match = /^\s*([+-]?\d+)/.exec(text ?? '');
  return match ? Number(match[1]) : 0;
}

function frontendFor(context: CommandContext, index: number) {
  const name = context.args[index];
  if (!name) return err('A frontend name is expected.');
  return findFrontend(context.state, name) ?? err('No such frontend.');
}

/**
 * An admin command whose next word is a frontend name: answers HAProxy's lookup errors, else runs
 * `act` on the frontend found.
 */
function onFrontend(
  words: string[],
  act: (frontend: ProxyState, context: CommandContext) => Reply,
): BuiltinCommand {
  return {
    words,
    level: 'admin',
    handle(context) {
      const frontend = frontendFor(context, words.length);
      return 'text' in frontend ? frontend : act(frontend, context);
    },
  };
}

/** `disable frontend` (to PAUSED) or `enable frontend` (to OPEN): a frontend shut down stays down. */
function switchFrontend(to: 'PAUSED' | 'OPEN', verb: 'disable' | 'enable') {
  return (frontend: ProxyState): Reply => {
    if (frontend.feState === 'STOP') return err(`Frontend was previously shut down, cannot ${verb}.`);
    if (frontend.feState === to) return { text: `All sockets are already ${verb}d.\n\n`, severity: 'notice' };
    frontend.feState = to;
    return OK;
  };
}

const RATE_LIMIT_USAGE =
  "'set rate-limit' only supports :\n" +
  "   - 'connections global' to set the per-process maximum connection rate\n" +
  "   - 'sessions global' to set the per-process maximum session rate\n" +
  "   - 'ssl-sessions global' to set the per-process maximum SSL session rate\n" +
  "   - 'http-compression global' to set the per-process maximum compression speed in kB/s";

function setRateLimit(context: CommandContext): Reply {
  const [, , what, scope, value] = context.args;
  const g = context.state.global;
  const keys: Record<string, 'connRateLimit' | 'sessRateLimit' | 'sslRateLimit' | 'compressRateLimit'> = {
    connections: 'connRateLimit',
    sessions: 'sessRateLimit',
    'ssl-sessions': 'sslRateLimit',
    'http-compression': 'compressRateLimit',
  };
  const key = what ? keys[what] : undefined;
  if (!key || scope !== 'global') return err(RATE_LIMIT_USAGE);
  if (!value) return err('Expects an integer value.');
  const n = atoi(value);
  if (n < 0) return err('Value out of range.');
  g[key] = key === 'compressRateLimit' ? n * 1024 : n;
  return OK;
}

/** Frontend and global commands. */
export const PROXY_COMMANDS: BuiltinCommand[] = [
  onFrontend(['disable', 'frontend'], switchFrontend('PAUSED', 'disable')),
  onFrontend(['enable', 'frontend'], switchFrontend('OPEN', 'enable')),
  onFrontend(['shutdown', 'frontend'], (frontend) => {
    if (frontend.feState === 'STOP')
      return { text: 'Frontend was already shut down.\n\n', severity: 'notice' };
    frontend.feState = 'STOP';
    return OK;
  }),
  onFrontend(['set', 'maxconn', 'frontend'], (frontend, context) => {
    if (!context.args[4]) return err('Integer value expected.');
    const value = atoi(context.args[4]);
    if (value < 0) return err('Value out of range.');
    frontend.maxconn = value;
    return OK;
  }),
  {
    words: ['set', 'maxconn', 'global'],
    level: 'admin',
    handle(context) {
      const g = context.state.global;
      if (!context.args[3]) return err('Expects an integer value.');
      const value = atoi(context.args[3]);
      if (value < 0 || value > g.hardMaxconn) return err('Value out of range.');
      g.maxconn = value === 0 ? g.hardMaxconn : value;
      return OK;
    },
  },
  { words: ['set', 'rate-limit'], level: 'admin', handle: setRateLimit },
  {
    words: ['clear', 'counters'],
    level: 'operator',
    handle(context) {
      const all = context.args[2] === 'all';
      if (all && context.level !== 'admin') return err('Permission denied');
      for (const proxy of context.state.proxies) {
        const targets = [proxy, ...proxy.servers];
        for (const target of targets) {
          if (all) target.counters = emptyCounters();
          else {
            target.counters.smax = target.counters.scur;
            target.counters.rateMax = target.counters.rate;
            target.counters.reqRateMax = target.counters.reqRate;
            target.counters.connRateMax = target.counters.connRate;
          }
        }
      }
      context.state.global.maxConnRate = 0;
      context.state.global.maxSessRate = 0;
      return OK;
    },
  },
  {
    words: ['show', 'errors'],
    level: 'operator',
    handle(context) {
      const name = context.args[2];
      if (name) {
        // 2.6: a proxy name, else atoi() of the word; only 0 is refused (`99`, `-1`, `12abc` pass,
        // `request` alone does not).
        const atoi = Number(/^\s*([+-]?\d+)/.exec(name)?.[1] ?? 0);
        const known = context.state.proxies.some((proxy) => proxy.name === name) || atoi !== 0;
        if (!known) return err('No such proxy.');
      }
      return { text: `Total events captured on [${formatDate(context.now)}] : 0\n\n` };
    },
  },
  {
    words: ['show', 'sess'],
    level: 'operator',
    async handle(context) {
      // A client's half-close usually arrives right after its command: give it a moment, as HAProxy's
      // event loop does, before telling a closed session from an open one.
      if (!(context.session as { halfClosed?: boolean }).halfClosed) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const id = context.args[2];
      const process = context.process;
      // HAProxy's stream_epoch: this session takes the current one, the next sessions the one after.
      const epoch = process.sessEpoch++;
      const cli = process.sessions.find((entry) => entry.session === context.session);
      if (cli) cli.epoch = epoch;
      const entries = sessionEntries(context, epoch);
      if (id && id !== 'all') {
        const entry = entries.find((candidate) => `0x${candidate.id.toString(16)}` === id.toLowerCase());
        if (!entry) return err('Session not found.');
        return { text: `${entry.detail()}\n` };
      }
      return { text: `${entries.map((entry) => entry.line()).join('')}\n` };
    },
  },
  {
    words: ['shutdown', 'session'],
    level: 'admin',
    handle(context) {
      const id = (context.args[2] ?? '').toLowerCase();
      if (!/^0x[0-9a-f]+$/.test(id)) return err("Session pointer expected (use 'show sess').");
      const held = (context.state.heldSessions ?? []).find(
        (candidate) => `0x${candidate.id.toString(16)}` === id,
      );
      if (held) {
        closeHeldSessions(context.state, [held]);
        return OK;
      }
      const entry = context.process.sessions.find((candidate) => `0x${candidate.id.toString(16)}` === id);
      if (!entry) return err("No such session (use 'show sess').");
      entry.kill();
      return OK;
    },
  },
];

/** HAProxy's `human_time()`: at most two units, zero units left out (`2m`, `1m59s`, `0s`). */
export function humanTime(seconds: number): string {
  const t = Math.max(0, Math.floor(seconds));
  let out = '';
  let count = 2;
  if (t >= 86400) {
    out += `${Math.floor(t / 86400)}d`;
    count--;
  }
  if (count && Math.floor((t % 86400) / 3600)) {
    out += `${Math.floor((t % 86400) / 3600)}h`;
    count--;
  }
  if (count && Math.floor((t % 3600) / 60)) {
    out += `${Math.floor((t % 3600) / 60)}m`;
    count--;
  }
  if ((count && t % 60) || !t) out += `${t % 60}s`;
  return out;
}

/** `%#x`: `0` or `0x…`. */
const hexAlt = (n: number) => (n ? `0x${n.toString(16)}` : '0');

/** A timer left (`rx=`, `exp=`): empty without a timeout. */
const left = (timeoutMs: number | undefined, elapsedMs: number) =>
  timeoutMs ? humanTime((timeoutMs - elapsedMs) / 1000) : '';

interface SessionEntry {
  id: number;
  start: number;
  line(): string;
  detail(): string;
}

/** Held sessions (`setSessions()`), the CLI connections and this one when it came through the master. */
function sessionEntries(context: CommandContext, epoch: number): SessionEntry[] {
  const out: SessionEntry[] = [];
  for (const held of context.state.heldSessions ?? []) {
    if (held.epoch > epoch) continue;
    out.push({
      id: held.id,
      start: held.start,
      line: () => heldLine(context, held),
      detail: () => heldDetail(context, held),
    });
  }
  for (const entry of context.process.sessions) {
    if ((entry.epoch ?? 0) > epoch) continue;
    out.push({
      id: entry.id,
      start: entry.start,
      line: () => sessionLine(context, entry),
      detail: () => cliDetail(context, entry.id, entry.proto, entry.src, entry.fd, entry.start, epoch),
    });
  }
  out.sort((a, b) => a.start - b.start);
  const viaMaster = context.session as { viaMaster?: { id: number; fd: number } };
  if (viaMaster.viaMaster) {
    const { id, fd } = viaMaster.viaMaster;
    // The master's socketpair is the listener after the stats sockets.
    const src = `unix:${Math.max(1, context.state.global.sockets.length) + 1}`;
    out.push({
      id,
      start: context.now,
      line: () => cliLine(id, 'sockpair', src, fd, epoch, '0s', false, context.session.timeout),
      detail: () => cliDetail(context, id, 'sockpair', src, fd, context.now, epoch),
    });
  }
  return out;
}

function heldProxies(context: CommandContext, held: HeldSession) {
  const frontend = findFrontend(context.state, held.frontend);
  const backend = findBackend(context.state, held.backend);
  const server = backend ? findServer(backend, held.server) : undefined;
  return { frontend, backend, server };
}

/** A session of a frontend to a server, idle: a TCP one established, an HTTP one awaiting the response. */
function heldLine(context: CommandContext, held: HeldSession): string {
  const { frontend, backend } = heldProxies(context, held);
  const elapsed = context.now - held.start;
  const client = left(frontend?.timeoutClient, elapsed);
  const server = left(backend?.timeoutServer, elapsed);
  const head =
    `0x${held.id.toString(16)}: proto=tcpv4 src=127.0.0.1:${held.port} fe=${held.frontend} be=${held.backend} ` +
    `srv=${held.server} ts=00 epoch=${hexAlt(held.epoch)} age=${humanTime(elapsed / 1000)} calls=3 rate=0 cpu=0 lat=0 `;
  if (backend?.mode === 'http') {
    return (
      `${head}rq[f=49c40000h,i=0,an=8000h,rx=,wx=,ax=] rp[f=80400000h,i=0,an=1400000h,rx=${server},wx=,ax=] ` +
      `scf=[8,80h,fd=${held.fd}] scb=[8,11h,fd=${held.fd + 1}] exp=${server} rc=0 c_exp=\n`
    );
  }
  const timeouts = [frontend?.timeoutClient ?? 0, backend?.timeoutServer ?? 0].filter((ms) => ms > 0);
  const exp = timeouts.length ? left(Math.min(...timeouts), elapsed) : '';
  return (
    `${head}rq[f=808000h,i=0,an=00h,rx=${client},wx=,ax=] rp[f=80008000h,i=0,an=00h,rx=${server},wx=,ax=] ` +
    `scf=[8,0h,fd=${held.fd}] scb=[8,1h,fd=${held.fd + 1}] exp=${exp} rc=0 c_exp=\n`
  );
}

const ptr = (base: number, offset: number) => `0x${(base + offset).toString(16)}`;

/** `show sess <id>` of a held session, in the 2.6 layout. */
function heldDetail(context: CommandContext, held: HeldSession): string {
  const { frontend, backend, server } = heldProxies(context, held);
  const elapsed = context.now - held.start;
  const http = backend?.mode === 'http';
  const serverTimer = left(backend?.timeoutServer, elapsed) || '<NEVER>';
  const clientTimer = left(frontend?.timeoutClient, elapsed) || '<NEVER>';
  const id = held.id;
  const mux = http ? 'H1' : 'PASS';
  const bind = frontend?.binds[0]?.replace(/^ipv4@/, '') ?? '?';
  const lines = [
    `0x${id.toString(16)}: [${formatDate(held.start)}000] id=${held.port - 39900} proto=tcpv4 source=127.0.0.1:${held.port}`,
    `  flags=${http ? '0xc4a' : '0x4a'}, conn_retries=0, conn_exp=<NEVER> conn_et=0x000 srv_conn=${ptr(id, -0xc6700)}, pend_pos=(nil) waiting=0 epoch=${hexAlt(held.epoch)}`,
    `  frontend=${held.frontend} (id=${frontend?.iid ?? -1} mode=${frontend?.mode ?? 'tcp'}), listener=? (id=1) addr=${bind}`,
    `  backend=${held.backend} (id=${backend?.iid ?? -1} mode=${backend?.mode ?? 'tcp'}) addr=127.0.0.1:${held.port + 3522}`,
    `  server=${held.server} (id=${server?.id ?? -1}) addr=${server ? `${server.address}:${server.port}` : '?'}`,
    `  task=${ptr(id, 0x120110)} (state=0x00 nice=0 calls=3 rate=0 exp=${http ? serverTimer : clientTimer} tmask=0x1 age=${humanTime(elapsed / 1000)})`,
    ...(http
      ? [
          `  txn=${ptr(id, 0x120790)} flags=0x3000 meth=1 status=-1 req.st=MSG_DONE rsp.st=MSG_RPBEFORE req.f=0x4c rsp.f=0x00`,
        ]
      : []),
    `  scf=${ptr(id, 0xbf350)} flags=${http ? '0x00000080' : '0x00000000'} state=EST endp=CONN,${ptr(id, 0x11f250)},${http ? '0x02804001' : '0x028c0001'} sub=1`,
    `      co0=${ptr(id, 0x122450)} ctrl=tcpv4 xprt=RAW mux=${mux} data=STRM target=LISTENER:${ptr(id, -0xca120)}`,
    `      flags=0x00000300 fd=${held.fd} fd.state=${http ? 20 : 21} updt=0 fd.tmask=0x1`,
    `  scb=${ptr(id, 0x63d10)} flags=${http ? '0x00000011' : '0x00000001'} state=EST endp=CONN,${ptr(id, 0x122d90)},${http ? '0x02800001' : '0x028c0001'} sub=1`,
    `      co1=${ptr(id, 0x1225d0)} ctrl=tcpv4 xprt=RAW mux=${mux} data=STRM target=SERVER:${ptr(id, -0xc56d0)}`,
    `      flags=${http ? '0x00000300' : '0x10000300'} fd=${held.fd + 1} fd.state=10421 updt=0 fd.tmask=0x1`,
    `  req=${ptr(id, 0x20)} (f=${http ? '0x49c40000 an=0x8000' : '0x808000 an=0x0'} pipe=0 tofwd=${http ? 0 : -1} total=${http ? 39 : 0})`,
    `      an_exp=<NEVER> rex=${http ? '<NEVER>' : clientTimer} wex=<NEVER>`,
    `      buf=${ptr(id, 0x28)} data=(nil) o=0 p=0 i=0 size=0`,
    ...(http ? [`      htx=${ptr(id, -0x7bd46e0)} flags=0x0 size=0 data=0 used=0 wrap=NO extra=0`] : []),
    `  res=${ptr(id, 0x80)} (f=${http ? '0x80400000 an=0x1400000' : '0x80008000 an=0x0'} pipe=0 tofwd=${http ? 0 : -1} total=0)`,
    `      an_exp=<NEVER> rex=${serverTimer} wex=<NEVER>`,
    `      buf=${ptr(id, 0x88)} data=(nil) o=0 p=0 i=0 size=0`,
    ...(http ? [`      htx=${ptr(id, -0x7bd46e0)} flags=0x0 size=0 data=0 used=0 wrap=NO extra=0`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `show sess <id>` of a CLI session (as seen from the command that closed its input). */
function cliDetail(
  context: CommandContext,
  id: number,
  proto: string,
  src: string,
  fd: number,
  start: number,
  epoch: number,
): string {
  const lines = [
    `0x${id.toString(16)}: [${formatDate(start)}000] id=${(id >> 4) & 0xfff} proto=${proto} source=${src}`,
    `  flags=0x8, conn_retries=0, conn_exp=<NEVER> conn_et=0x000 srv_conn=(nil), pend_pos=(nil) waiting=0 epoch=${hexAlt(epoch)}`,
    '  frontend=GLOBAL (id=0 mode=tcp), listener=? (id=1) addr=unix:1',
    '  backend=<NONE> (id=-1 mode=-)',
    '  server=<NONE> (id=-1)',
    `  task=${ptr(id, -0x141010)} (state=0x00 nice=-64 calls=1 rate=0 exp=<NEVER> tmask=0x1 age=${humanTime((context.now - start) / 1000)})`,
    `  scf=${ptr(id, 0xbf350)} flags=0x00000200 state=EST endp=CONN,${ptr(id, 0x11f250)},0x028c0001 sub=1`,
    `      co0=${ptr(id, 0x11ef40)} ctrl=${proto} xprt=RAW mux=PASS data=STRM target=LISTENER:${ptr(id, -0xd17e0)}`,
    `      flags=0x00000300 fd=${fd} fd.state=21 updt=1 fd.tmask=0x1`,
    `  scb=${ptr(id, 0x63d10)} flags=0x00000001 state=EST endp=APPCTX,${ptr(id, 0x11f410)},0x02800002 sub=0`,
    `      app1=${ptr(id, 0x11f410)} st0=9 st1=0 st2=0 applet=<CLI> tmask=0x1 nice=-64 calls=1 rate=0 cpu=0 lat=0`,
    `  req=${ptr(id, 0x20)} (f=0xc08000 an=0x0 pipe=0 tofwd=-1 total=${context.line.length + 1})`,
    '      an_exp=<NEVER> rex=<NEVER> wex=<NEVER>',
    `      buf=${ptr(id, 0x28)} data=${ptr(id, 0xb5330)} o=0 p=0 i=0 size=16384`,
    `  res=${ptr(id, 0x80)} (f=0x80008000 an=0x0 pipe=0 tofwd=-1 total=0)`,
    '      an_exp=<NEVER> rex=<NEVER> wex=<NEVER>',
    `      buf=${ptr(id, 0x88)} data=${ptr(id, 0xb9340)} o=0 p=0 i=0 size=16384`,
  ];
  return `${lines.join('\n')}\n`;
}

/** One `show sess` line of a CLI session; `open` when its client has not closed its side yet. */
function cliLine(
  id: number,
  proto: string,
  src: string,
  fd: number,
  epoch: number,
  age: string,
  open: boolean,
  timeoutMs: number,
): string {
  const timer = open ? humanTime(timeoutMs / 1000) : '';
  return (
    `0x${id.toString(16)}: proto=${proto} src=${src} fe=GLOBAL be=<NONE> srv=<none> ts=00 ` +
    `epoch=${hexAlt(epoch)} age=${age} calls=1 rate=${open ? 1 : 0} cpu=0 lat=0 ` +
    `rq[f=${open ? 'c08002h' : 'c08000h'},i=0,an=00h,rx=${timer},wx=,ax=] ` +
    'rp[f=80008000h,i=0,an=00h,rx=,wx=,ax=] ' +
    `scf=[8,${open ? '0h' : '200h'},fd=${fd}] scb=[8,1h,fd=-1] exp=${timer} rc=0 c_exp=\n`
  );
}

/** One `show sess` line for a CLI connection, in the 2.6 layout. */
function sessionLine(context: CommandContext, entry: CliSessionInfo): string {
  const current = entry.session === context.session;
  const halfClosed = (entry.session as { halfClosed?: boolean }).halfClosed === true;
  if (current) {
    return cliLine(
      entry.id,
      entry.proto,
      entry.src,
      entry.fd,
      entry.epoch ?? 0,
      humanTime((context.now - entry.start) / 1000),
      !halfClosed,
      context.session.timeout,
    );
  }
  // Another CLI connection, idle between commands.
  return (
    `0x${entry.id.toString(16)}: proto=${entry.proto} src=${entry.src} fe=GLOBAL be=<NONE> srv=<none> ts=00 ` +
    `epoch=${hexAlt(entry.epoch ?? 0)} age=${humanTime((context.now - entry.start) / 1000)} calls=1 rate=0 cpu=0 lat=0 ` +
    'rq[f=808000h,i=0,an=00h,rx=,wx=,ax=] rp[f=80008000h,i=0,an=00h,rx=,wx=,ax=] ' +
    `scf=[8,200h,fd=${entry.fd}] scb=[8,1h,fd=-1] exp= rc=0 c_exp=\n`
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** HAProxy's log date format `25/Nov/2026:12:33:02.586`. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
