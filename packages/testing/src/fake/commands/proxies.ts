import { type CliSessionInfo, type CommandContext, err, OK, type Reply } from '../command.js';
import { emptyCounters, findFrontend, type ProxyState } from '../state.js';
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
    handle(context) {
      const id = context.args[2];
      const sessions = context.process.sessions;
      const selected =
        id && id !== 'all'
          ? sessions.filter((entry) => `0x${entry.id.toString(16)}` === id.toLowerCase())
          : sessions;
      if (id && id !== 'all' && selected.length === 0) return err('Session not found.');
      const lines = selected.map((entry) => sessionLine(context, entry));
      return { text: `${lines.join('')}\n` };
    },
  },
  {
    words: ['shutdown', 'session'],
    level: 'admin',
    handle(context) {
      const id = (context.args[2] ?? '').toLowerCase();
      if (!/^0x[0-9a-f]+$/.test(id)) return err("Session pointer expected (use 'show sess').");
      const entry = context.process.sessions.find((candidate) => `0x${candidate.id.toString(16)}` === id);
      if (!entry) return err("No such session (use 'show sess').");
      entry.kill();
      return OK;
    },
  },
];

function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${d ? `${d}d` : ''}${d || h ? `${h}h` : ''}${d || h || m ? `${m}m` : ''}${s}s`;
}

/** One `show sess` line for a CLI connection, in the 2.6 layout. */
function sessionLine(context: CommandContext, entry: CliSessionInfo): string {
  const current = entry.session === context.session;
  const timeout = duration(context.session.timeout).replace(/^0s$/, '0s');
  return (
    `0x${entry.id.toString(16)}: proto=${entry.proto} src=${entry.src} fe=GLOBAL be=<NONE> srv=<none> ts=00 ` +
    `epoch=0 age=${duration(context.now - entry.start)} calls=1 rate=${current ? 1 : 0} cpu=0 lat=0 ` +
    `rq[f=${current ? 'c08002h' : '808000h'},i=0,an=00h,rx=${current ? timeout : ''},wx=,ax=] ` +
    `rp[f=${current ? '80008002h' : '80008000h'},i=0,an=00h,rx=,wx=,ax=] ` +
    `scf=[8,${current ? '0h' : '200h'},fd=${entry.fd}] scb=[8,1h,fd=-1] exp=${current ? timeout : ''} rc=0 c_exp=\n`
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
