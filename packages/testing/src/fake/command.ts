import type { FakeState, Level } from './state.js';

/** Severity of a message reply, used by `set severity-output`. Data output has none. */
export type Severity = 'err' | 'warning' | 'notice' | 'info';

/**
 * A reply to one command: the exact bytes (including the final empty line, or a single `\n` for the
 * replies HAProxy 2.6 ends that way), and the severity when it is a message rather than data.
 */
export interface Reply {
  text: string;
  severity?: Severity;
  /** Close the connection after this reply (e.g. `quit`). */
  close?: boolean;
}

/** Per-connection CLI settings. */
export interface SessionSettings {
  level: Level;
  prompt: boolean;
  severityOutput: 'none' | 'number' | 'string';
  /** Idle timeout in ms. */
  timeout: number;
}

/** What a command handler receives. */
export interface CommandContext {
  /** The words of the command after escape processing. */
  args: string[];
  /** The command text as received (one element of a `;` chain). */
  line: string;
  /** The payload after `<<`, when there was one. */
  payload: string | undefined;
  /** The level of this session. */
  level: Level;
  session: SessionSettings;
  state: FakeState;
  /** Clock ms now. */
  now: number;
  /** The fake process (pid, version, uptime …). */
  process: FakeProcessInfo;
}

/** What handlers may know about the process they run in. */
export interface FakeProcessInfo {
  pid: number;
  version: string;
  releaseDate: string;
  startTime: number;
  stopping: boolean;
  /** The path prefix to use in `show acl` descriptions and to resolve relative files. */
  dir: string;
  /** The CLI connections open on this process (what `show sess` lists). */
  sessions: CliSessionInfo[];
  /** HAProxy's `stream_epoch`: how many `show sess` ran so far (new sessions record it). */
  sessEpoch: number;
}

/** An open CLI connection as `show sess` shows it. */
export interface CliSessionInfo {
  /** Pointer-like id (`0x…`). */
  id: number;
  /** `unix_stream` or `tcpv4`. */
  proto: string;
  src: string;
  /** Clock ms when it was accepted. */
  start: number;
  fd: number;
  /** The `show sess` epoch it was created in (or of its own last `show sess`). */
  epoch?: number;
  /** The connection's settings (to tell the current one apart). */
  session: SessionSettings;
  /** Close it (`shutdown session`). */
  kill(): void;
}

/** A handler result: a reply, raw text (sent as is), or `undefined` to let the next handler answer. */
export type HandlerResult = Reply | string | undefined;

/** A command handler: answers the commands it matches. */
export interface CommandHandler {
  /** Whether this handler applies to the command words. */
  matches(args: string[], line: string): boolean;
  handle(context: CommandContext): HandlerResult | Promise<HandlerResult>;
}

/**
 * A handler for commands that start with the given words (`'show stat'`) or whose text matches a
 * regular expression. Use with `fake.use(...)` to override a built-in answer in one test.
 *
 * @example
 * fake.use(command('show stat', () => '# pxname,svname\n\n'));
 */
export function command(
  match: string | RegExp,
  handle: (context: CommandContext) => HandlerResult | Promise<HandlerResult>,
): CommandHandler {
  if (typeof match === 'string') {
    const words = match.trim().split(/\s+/);
    return {
      matches: (args) => words.every((word, index) => args[index] === word),
      handle,
    };
  }
  return { matches: (_args, line) => match.test(line), handle };
}

/** An error message reply (`No such server.` …) ending with the usual empty line. */
export function err(message: string): Reply {
  return { text: `${message}\n\n`, severity: 'err' };
}

/** An error message that 2.6 ends with a single `\n`. */
export function errSingle(message: string): Reply {
  return { text: `${message}\n`, severity: 'err' };
}

/** An informational message reply. */
export function info(message: string): Reply {
  return { text: `${message}\n\n`, severity: 'info' };
}

/** Data output (no severity prefix), terminated by the empty line. */
export function data(text: string): Reply {
  return { text: `${text}\n` };
}

/** The reply of a command that succeeds silently. */
export const OK: Reply = { text: '\n' };

/** `Permission denied` as HAProxy answers it. */
export const PERMISSION_DENIED: Reply = err('Permission denied');

const LEVEL_RANK: Record<Level, number> = { user: 0, operator: 1, admin: 2 };

/** Whether a session at `level` may run a command needing `required`. */
export function allowed(level: Level, required: Level): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[required];
}
