import { allowed, err, info, OK, PERMISSION_DENIED } from '../command.js';
import { helpReply } from '../help.js';
import type { BuiltinCommand } from './types.js';

/** Session commands: levels, severity output, timeout, help, version. */
export const CLI_COMMANDS: BuiltinCommand[] = [
  { words: ['help'], level: 'user', handle: (context) => helpReply(context.args.slice(1), true) },
  { words: ['show', 'version'], level: 'user', handle: (context) => info(context.process.version) },
  {
    words: ['show', 'cli', 'level'],
    level: 'user',
    handle: (context) => ({ text: `${context.session.level}\n\n` }),
  },
  {
    words: ['show', 'cli', 'sockets'],
    level: 'user',
    handle(context) {
      let out = '# socket lvl processes\n';
      for (const socket of context.state.global.sockets) {
        const address = /^(ipv4@)?\d+\.\d+\.\d+\.\d+:\d+$/.test(socket.address)
          ? socket.address.replace(/^ipv4@/, 'ipv4@')
          : `unix@${socket.address}`;
        out += `${address} ${socket.level} all\n`;
      }
      return { text: `${out}\n` };
    },
  },
  {
    words: ['operator'],
    level: 'user',
    handle(context) {
      if (!allowed(context.session.level, 'operator')) return PERMISSION_DENIED;
      context.session.level = 'operator';
      return OK;
    },
  },
  {
    words: ['user'],
    level: 'user',
    handle(context) {
      context.session.level = 'user';
      return OK;
    },
  },
  {
    words: ['set', 'severity-output'],
    level: 'user',
    handle(context) {
      const value = context.args[2];
      if (value === 'none' || value === 'number' || value === 'string') {
        context.session.severityOutput = value;
        return OK;
      }
      return err("one of 'none', 'number', 'string' is a required argument");
    },
  },
  {
    words: ['set', 'timeout'],
    level: 'user',
    handle(context) {
      if (context.args[2] !== 'cli') return err("'set timeout' only supports 'cli'.");
      const value = context.args[3];
      if (!value) return err('Expects an integer value.');
      const match = /^(\d+)(us|ms|s|m|h|d)?$/.exec(value);
      if (!match) return err('Invalid timeout value.');
      const unit =
        { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 's'] ?? 1000;
      context.session.timeout = Number(match[1]) * unit;
      return OK;
    },
  },
  {
    words: ['show', 'env'],
    level: 'operator',
    handle: () => ({ text: 'HAPROXY_LOCALPEER=fake\n\n' }),
  },
  {
    words: ['get', 'var'],
    level: 'operator',
    handle: () => err('Variable not found.'),
  },
];
