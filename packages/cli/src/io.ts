/**
 * The terminal the CLI talks to. `run(argv, io)` takes one so tests can drive the whole program
 * in-process; `bin.ts` passes the real process streams.
 */

/** A stream the CLI writes to (process.stdout/stderr, or a capture in tests). */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal: enables colours, progress bars, the alternate screen. */
  isTTY?: boolean | undefined;
  /** Terminal width; tables are fitted to it on a TTY. */
  columns?: number | undefined;
  rows?: number | undefined;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Where answers to confirmations and keys for `watch` come from. */
export interface InputStream {
  isTTY?: boolean | undefined;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume?(): unknown;
  pause?(): unknown;
  [Symbol.asyncIterator]?(): AsyncIterator<Buffer | string>;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin?: InputStream | undefined;
  /** Environment (HAPCTL_*, NO_COLOR, HOME …). */
  env: Record<string, string | undefined>;
  /** Home folder for `~/.config/hapctl/config.json`; default from env HOME. */
  home?: string | undefined;
  /** Process signals (`SIGINT`, `SIGTERM`), for `watch` to restore the terminal. */
  onSignal?: ((signal: 'SIGINT' | 'SIGTERM', listener: () => void) => () => void) | undefined;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    home: process.env.HOME,
    onSignal(signal, listener) {
      process.on(signal, listener);
      return () => {
        process.off(signal, listener);
      };
    },
  };
}

/** ANSI styling that is a no-op when colours are off. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  inverse(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function createStyle(enabled: boolean): Style {
  const pick = (open: number, close: number) => (enabled ? wrap(open, close) : (text: string) => text);
  return {
    enabled,
    bold: pick(1, 22),
    dim: pick(2, 22),
    red: pick(31, 39),
    green: pick(32, 39),
    yellow: pick(33, 39),
    cyan: pick(36, 39),
    inverse: pick(7, 27),
  };
}

/** Colours only on a TTY, never with `NO_COLOR` (any non-empty value) or `--no-color`. */
export function colorEnabled(stream: OutputStream, env: CliIo['env'], noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Visible width of a string (ANSI sequences excluded; one column per code point). */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const _ of stripAnsi(text)) width++;
  return width;
}
