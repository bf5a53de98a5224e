/**
 * Command-line parsing with `node:util` parseArgs. One option table for the whole program; each
 * command declares which of the command-specific options it accepts, so `hapctl info --backend x`
 * is a usage error rather than silently ignored.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  config: { type: 'string' },
  'socket-dir': { type: 'string' },
  socket: { type: 'string' },
  endpoint: { type: 'string', multiple: true },
  master: { type: 'string' },
  timeout: { type: 'string' },
  'skip-unresponsive': { type: 'boolean' },
} as const;

/** Options only some commands accept (see each command's `options`). */
export const COMMAND_OPTIONS = {
  'per-process': { type: 'boolean', short: 'p' },
  backend: { type: 'string', short: 'b' },
  yes: { type: 'boolean', short: 'y' },
  all: { type: 'boolean' },
  interval: { type: 'string', short: 'n' },
  once: { type: 'boolean' },
  fast: { type: 'boolean' },
  wait: { type: 'boolean', short: 'w' },
  'drain-timeout': { type: 'string' },
  'no-force': { type: 'boolean' },
  weight: { type: 'string' },
  check: { type: 'boolean' },
  backup: { type: 'boolean' },
  enable: { type: 'boolean' },
  'shutdown-sessions': { type: 'boolean' },
  filter: { type: 'string', multiple: true },
  format: { type: 'string' },
} as const;

export type CommandOption = keyof typeof COMMAND_OPTIONS;

export interface ParsedOptions {
  help?: boolean | undefined;
  version?: boolean | undefined;
  json?: boolean | undefined;
  debug?: boolean | undefined;
  'no-color'?: boolean | undefined;
  config?: string | undefined;
  'socket-dir'?: string | undefined;
  socket?: string | undefined;
  endpoint?: string[] | undefined;
  master?: string | undefined;
  timeout?: string | undefined;
  'skip-unresponsive'?: boolean | undefined;
  'per-process'?: boolean | undefined;
  backend?: string | undefined;
  yes?: boolean | undefined;
  all?: boolean | undefined;
  interval?: string | undefined;
  once?: boolean | undefined;
  fast?: boolean | undefined;
  wait?: boolean | undefined;
  'drain-timeout'?: string | undefined;
  'no-force'?: boolean | undefined;
  weight?: string | undefined;
  check?: boolean | undefined;
  backup?: boolean | undefined;
  enable?: boolean | undefined;
  'shutdown-sessions'?: boolean | undefined;
  filter?: string[] | undefined;
  format?: string | undefined;
}

export interface ParsedArgs {
  options: ParsedOptions;
  positionals: string[];
  /** Names of the options present on the command line, as typed (without dashes). */
  present: string[];
}

/** `-1`, `-5%`, `-0.5`: a negative number, never an option (no option is a digit). */
const NEGATIVE_NUMBER = /^-\d+(?:\.\d+)?%?$/;
/** Stands for a negative number while parseArgs runs (it would read `-1` as the short option `1`). */
const NEGATIVE_MARK = '\u0000negative:';

/**
 * Parse argv (without `node` and the script). Unknown options are a usage error. Arguments that look
 * like negative numbers are positionals (or option values), so `server set-weight B/S -1` gets the
 * weight's own message rather than "Unknown option '-1'".
 */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const negatives: string[] = [];
  const args = argv.map((arg) => {
    if (!NEGATIVE_NUMBER.test(arg)) return arg;
    negatives.push(arg);
    return `${NEGATIVE_MARK}${negatives.length - 1}`;
  });
  const restore = (value: string) =>
    value.startsWith(NEGATIVE_MARK) ? negatives[Number(value.slice(NEGATIVE_MARK.length))]! : value;
  let parsed: ReturnType<
    typeof parseArgs<{
      args: string[];
      options: typeof GLOBAL_OPTIONS & typeof COMMAND_OPTIONS;
      allowPositionals: true;
      strict: true;
      tokens: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    // parseArgs' messages are long and mention internals; keep the first sentence.
    const message = error instanceof Error ? error.message.split('. ')[0]!.replace(/\.$/, '') : String(error);
    throw new UsageError(message);
  }
  const present = parsed.tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  const options: Record<string, unknown> = { ...parsed.values };
  for (const [name, value] of Object.entries(options)) {
    if (typeof value === 'string') options[name] = restore(value);
    else if (Array.isArray(value)) options[name] = value.map((item: string) => restore(item));
  }
  return { options: options as ParsedOptions, positionals: parsed.positionals.map(restore), present };
}

/** Refuse command-specific options a command does not take. */
export function checkAllowedOptions(
  present: readonly string[],
  allowed: readonly CommandOption[],
  command: string,
) {
  for (const name of present) {
    if (name in GLOBAL_OPTIONS) continue;
    if (!allowed.includes(name as CommandOption)) {
      throw new UsageError(`option --${name} is not valid for "${command}"`, command);
    }
  }
}

/** A non-negative integer argument (`weight`, `maxconn`, …), or a usage error naming it. */
export function parseInteger(value: string | undefined, what: string, command?: string): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    throw new UsageError(
      `${what} must be a non-negative integer, got ${JSON.stringify(value ?? '')}`,
      command,
    );
  }
  const number = Number(value.trim());
  if (!Number.isSafeInteger(number)) throw new UsageError(`${what} is too large: ${value}`, command);
  return number;
}

/** A duration like `2`, `1.5`, `500ms`, `2s` in ms. Bare numbers are in `bareUnit`. */
export function parseDuration(value: string, what: string, bareUnit: 'ms' | 's'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  if (!match)
    throw new UsageError(`${what} must be a duration like 2, 2s or 500ms, got ${JSON.stringify(value)}`);
  const amount = Number(match[1]);
  const unit = match[2] ?? bareUnit;
  const ms = unit === 'ms' ? amount : amount * 1000;
  if (ms <= 0) throw new UsageError(`${what} must be greater than zero`);
  return Math.round(ms);
}
