import type { CliEngine, ConnectionSession } from './cli-connection.js';
import { type CommandContext, info, PERMISSION_DENIED, type Reply } from './command.js';
import { FaultQueue } from './faults.js';
import type { FakeProcess } from './fake-haproxy.js';
import { helpReply } from './help.js';

/** The `help` lines of a 2.6.12 master CLI. */
export const MASTER_HELP_LINES: readonly string[] = [
  '  @!<pid>                                 : send a command to the <pid> process',
  '  @<relative pid>                         : send a command to the <relative pid> process',
  '  @master                                 : send a command to the master process',
  '  operator                                : lower the level of the current CLI session to operator',
  '  reload                                  : reload haproxy',
  '  show cli level                          : display the level of the current CLI session',
  '  show cli sockets                        : dump list of cli sockets',
  '  show proc                               : show processes status',
  '  show version                            : show version of the current process',
  '  user                                    : lower the level of the current CLI session to user',
  '  help [<command>]                        : list matching or all commands',
  '  prompt                                  : toggle interactive mode with prompt',
  '  quit                                    : disconnect',
];

/** A worker as the master sees it. */
export interface MasterWorker {
  pid: number;
  engine: FakeProcess;
  /** Clock ms when it started. */
  startTime: number;
  /** The master's reload count when it started. */
  startReload: number;
}

/** What the master CLI needs from its cluster. */
export interface MasterHost {
  pid: number;
  version: string;
  startTime: number;
  now(): number;
  reloads: number;
  failedReloads: number;
  workers(): MasterWorker[];
  oldWorkers(): MasterWorker[];
  /** Triggered by `reload`, after the reply (nothing) is sent. */
  reload(): void;
}

function uptime(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(seconds / 86400)}d${pad(Math.floor((seconds % 86400) / 3600))}h${pad(
    Math.floor((seconds % 3600) / 60),
  )}m${pad(seconds % 60)}s`;
}

const col = (text: string) => text.padEnd(15);

/** The master CLI engine: routing prefixes, sticky targets, `show proc`, `reload`. */
export class MasterCli implements CliEngine {
  readonly faults = new FaultQueue();
  readonly #host: MasterHost;
  #relayed = 0;

  constructor(host: MasterHost) {
    this.#host = host;
  }

  prompt(session: ConnectionSession): string {
    const target = session.sticky ? this.#resolve(session.sticky) : undefined;
    return target && target !== 'master' ? `${target.pid}> ` : 'master> ';
  }

  promptOn(session: ConnectionSession): string {
    return this.prompt(session);
  }

  #resolve(prefix: string): MasterWorker | 'master' | undefined {
    if (prefix === '@master' || prefix === '@0') return 'master';
    const relative = /^@([1-9]\d*)$/.exec(prefix);
    if (relative) return this.#host.workers()[Number(relative[1]) - 1];
    const absolute = /^@!(\d+)$/.exec(prefix);
    if (absolute) {
      const pid = Number(absolute[1]);
      return [...this.#host.workers(), ...this.#host.oldWorkers()].find((worker) => worker.pid === pid);
    }
    return undefined;
  }

  async execute(
    args: string[],
    line: string,
    payload: string | undefined,
    session: ConnectionSession,
  ): Promise<Reply> {
    let target: MasterWorker | 'master' | undefined;
    let rest = args;
    if (args[0]?.startsWith('@')) {
      target = this.#resolve(args[0]);
      if (!target)
        return { text: `Can't find the target PID matching the prefix '${args[0]}'\n`, close: true };
      rest = args.slice(1);
      if (rest.length === 0) {
        session.sticky = target === 'master' ? undefined : args[0];
        return { text: '' };
      }
    } else if (session.sticky) {
      target = this.#resolve(session.sticky);
      if (!target)
        return { text: `Can't find the target PID matching the prefix '${session.sticky}'\n`, close: true };
    }
    if (target && target !== 'master') {
      const stripped = line.replace(/^\s*@\S+\s*/, '');
      // Each relayed command is a new socketpair session on the worker.
      const viaMaster = { id: 0x7f3a5c03f300 + (this.#relayed++ % 8) * 0xd9b0, fd: 15 };
      const workerSession = { ...session, socketName: 'master', viaMaster } as ConnectionSession;
      const reply = await target.engine.execute(rest, stripped, payload, workerSession);
      session.severityOutput = workerSession.severityOutput;
      return reply;
    }
    return this.#master(rest, session);
  }

  #master(args: string[], session: ConnectionSession): Reply {
    const [first, second, third] = args;
    const host = this.#host;
    if (first === 'help') return helpReply(args.slice(1), true, MASTER_HELP_LINES);
    if (first === 'show' && second === 'version' && !third) return info(host.version);
    if (first === 'show' && second === 'cli' && third === 'level') return { text: `${session.level}\n\n` };
    if (first === 'show' && second === 'cli' && third === 'sockets') {
      return { text: '# socket lvl processes\nsockpair@master admin master\n\n' };
    }
    if (first === 'show' && second === 'proc') {
      const now = host.now();
      let out = `${col('#<PID>')} ${col('<type>')} ${col('<reloads>')} ${col('<uptime>')} ${col('<version>')}\n`;
      out += `${col(String(host.pid))} ${col('master')} ${col(`${host.reloads} [failed: ${host.failedReloads}]`)} ${col(
        uptime(now - host.startTime),
      )} ${host.version}\n`;
      out += '# workers\n';
      for (const worker of host.workers()) {
        out += `${col(String(worker.pid))} ${col('worker')} ${col(String(host.reloads - worker.startReload))} ${col(
          uptime(now - worker.startTime),
        )} ${host.version}\n`;
      }
      const old = host.oldWorkers();
      if (old.length > 0) {
        out += '# old workers\n';
        for (const worker of old) {
          out += `${col(String(worker.pid))} ${col('worker')} ${col(String(host.reloads - worker.startReload))} ${col(
            uptime(now - worker.startTime),
          )} ${host.version}\n`;
        }
      }
      out += '# programs\n';
      return { text: `${out}\n` };
    }
    if (first === 'reload' && !second) {
      if (session.level !== 'admin') return PERMISSION_DENIED;
      setImmediate(() => host.reload());
      return { text: '', close: true };
    }
    if (first === 'operator' && !second) {
      if (session.level === 'user') return PERMISSION_DENIED;
      session.level = 'operator';
      return { text: '\n' };
    }
    if (first === 'user' && !second) {
      session.level = 'user';
      return { text: '\n' };
    }
    return helpReply(args, false, MASTER_HELP_LINES);
  }
}

export type { CommandContext };
