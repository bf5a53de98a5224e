import { type CommandContext, err, OK, type Reply } from '../command.js';
import { emptyCounters, findFrontend } from '../state.js';
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
  {
    words: ['disable', 'frontend'],
    level: 'admin',
    handle(context) {
      const frontend = frontendFor(context, 2);
      if ('text' in frontend) return frontend;
      if (frontend.feState === 'STOP') return err('Frontend was previously shut down, cannot disable.');
      if (frontend.feState === 'PAUSED')
        return { text: 'All sockets are already disabled.\n\n', severity: 'notice' };
      frontend.feState = 'PAUSED';
      return OK;
    },
  },
  {
    words: ['enable', 'frontend'],
    level: 'admin',
    handle(context) {
      const frontend = frontendFor(context, 2);
      if ('text' in frontend) return frontend;
      if (frontend.feState === 'STOP') return err('Frontend was previously shut down, cannot enable.');
      if (frontend.feState === 'OPEN')
        return { text: 'All sockets are already enabled.\n\n', severity: 'notice' };
      frontend.feState = 'OPEN';
      return OK;
    },
  },
  {
    words: ['shutdown', 'frontend'],
    level: 'admin',
    handle(context) {
      const frontend = frontendFor(context, 2);
      if ('text' in frontend) return frontend;
      if (frontend.feState === 'STOP')
        return { text: 'Frontend was already shut down.\n\n', severity: 'notice' };
      frontend.feState = 'STOP';
      return OK;
    },
  },
  {
    words: ['set', 'maxconn', 'frontend'],
    level: 'admin',
    handle(context) {
      const frontend = frontendFor(context, 3);
      if ('text' in frontend) return frontend;
      if (!context.args[4]) return err('Integer value expected.');
      const value = atoi(context.args[4]);
      if (value < 0) return err('Value out of range.');
      frontend.maxconn = value;
      return OK;
    },
  },
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
      if (name && !['request', 'response'].includes(name)) {
        const iid = name.startsWith('#') ? Number(name.slice(1)) : undefined;
        const known = context.state.proxies.some((proxy) => proxy.name === name || proxy.iid === iid);
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
      if (id && id !== 'all') return err('Session not found.');
      return {
        text: `0x${(0x55d0c0b00000 + context.process.pid).toString(16)}: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=0s calls=1 rate=1 cpu=0 lat=0 rq[f=848000h,i=0,an=00h,rx=,wx=,ax=] rp[f=80008000h,i=0,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=-1] scb=[8,1h,fd=-1] exp=\n\n`,
      };
    },
  },
  {
    words: ['shutdown', 'session'],
    level: 'admin',
    handle: () => err("No such session (use 'show sess')."),
  },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** HAProxy's log date format `25/Nov/2026:12:33:02.586`. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
