/**
 * What every command handler gets: parsed options and positionals, output helpers that respect
 * `--json` and the terminal, and a lazily connected SDK client.
 */
import type { CommandOption, ParsedOptions } from './args.js';
import { resolveSources, type Sources } from './config.js';
import { UsageError } from './errors.js';
import { type CliIo, type Style, colorEnabled, createStyle } from './io.js';
import { type Client, connectWithPlugins } from './sdk-types.js';
import { type Column, renderTable } from './table.js';

export interface CommandSpec {
  /** Full command path, e.g. `server set-weight`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) after `hapctl `. */
  usage: string[];
  /** Longer help text. */
  details?: string;
  /** Command-specific options accepted (global ones always are). */
  options?: CommandOption[];
  /** Positional arity (after the command path). */
  args: [min: number, max: number];
  /** Destructive: asks for confirmation, so without `--yes` it needs a terminal (checked before connecting). */
  destructive?: boolean;
  /** Whether the command needs a HAProxy connection (all but `demo` and `help`). */
  connects?: boolean;
  run(context: Context): Promise<number | undefined>;
}

export class Context {
  readonly io: CliIo;
  readonly options: ParsedOptions;
  readonly args: string[];
  readonly command: CommandSpec;
  /** Styling for stdout. */
  readonly style: Style;
  /** Styling for stderr. */
  readonly errStyle: Style;
  private client: Client | undefined;
  /** Set when a write to stdout failed because its reader is gone. */
  private stdoutClosed = false;
  private resolved: Sources | undefined;
  /** Injected client (demo, tests). */
  private readonly provided: Client | undefined;

  constructor(io: CliIo, options: ParsedOptions, args: string[], command: CommandSpec, client?: Client) {
    this.io = io;
    this.options = options;
    this.args = args;
    this.command = command;
    const noColor = options['no-color'] === true;
    this.style = createStyle(colorEnabled(io.stdout, io.env, noColor));
    this.errStyle = createStyle(colorEnabled(io.stderr, io.env, noColor));
    this.provided = client;
  }

  get json(): boolean {
    return this.options.json === true;
  }

  get perProcess(): boolean {
    return this.options['per-process'] === true;
  }

  /** Terminal width when stdout is a TTY, else undefined (no truncation when piped). */
  get width(): number | undefined {
    if (!this.io.stdout.isTTY) return undefined;
    return this.io.stdout.columns ?? 80;
  }

  /** True when the client was given (demo, embedding) rather than connected from the sources. */
  get hasClient(): boolean {
    return this.provided !== undefined;
  }

  /** Where HAProxy is (flags, env, config file), resolved once: config warnings are printed once. */
  sources(): Sources {
    this.resolved ??= resolveSources(this.options, this.io);
    return this.resolved;
  }

  /** Connect on first use (sources from flags, env, config file). */
  async hap(): Promise<Client> {
    if (this.provided) return this.provided;
    if (this.client) return this.client;
    this.client = await connectClient(this.sources());
    this.warnSkipped(this.client);
    return this.client;
  }

  /**
   * One warning per socket of the folder that was left out and may be a missing process: nothing
   * listens (a stale socket file) or, with `--skip-unresponsive`, no answer in time. Sockets that
   * answer but are not HAProxy are left out silently.
   */
  private warnSkipped(client: Client): void {
    for (const { endpoint, reason, error } of client.executor.skipped?.() ?? []) {
      if (reason === 'not-haproxy') continue;
      const why =
        reason === 'refused'
          ? 'nothing listens on it (a stale socket file?)'
          : reason === 'timeout'
            ? 'it did not answer in time (--skip-unresponsive)'
            : error.message;
      this.note(`${this.errStyle.yellow('hapctl: warning:')} left out ${endpoint}: ${why}`);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.close();
  }

  /** A line (or lines) to stdout. */
  print(text = ''): void {
    this.write(`${text}\n`);
  }

  /** Stable JSON to stdout (bigints as numbers when safe, else strings). */
  printJson(value: unknown): void {
    this.write(`${toJson(value)}\n`);
  }

  /**
   * Text to stdout. A reader that went away (EPIPE, a destroyed stream) does not make it throw: the
   * rest is dropped (the bin entry exits quietly on the stream's 'error' event).
   */
  private write(text: string): void {
    if (this.stdoutClosed) return;
    try {
      this.io.stdout.write(text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPIPE' && code !== 'ERR_STREAM_DESTROYED') throw error;
      this.stdoutClosed = true;
    }
  }

  /** A note to stderr (not part of the data on stdout). */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  table<Row>(columns: Column<Row>[], rows: readonly Row[]): void {
    if (rows.length === 0) {
      this.print(this.style.dim('(none)'));
      return;
    }
    this.print(renderTable(columns, rows, { width: this.width, header: (text) => this.style.bold(text) }));
  }

  /** The n-th positional, or a usage error naming it. */
  arg(index: number, what: string): string {
    const value = this.args[index];
    if (value === undefined) throw new UsageError(`missing ${what}`, this.command.name);
    return value;
  }
}

export async function connectClient(sources: Sources): Promise<Client> {
  return connectWithPlugins({
    socketDir: sources.socketDir,
    socketFile: sources.socketFile,
    endpoints: sources.endpoints,
    master: sources.master,
    timeout: sources.timeout,
    unresponsive: sources.skipUnresponsive ? 'skip' : 'fail',
  });
}

/** JSON text with bigint support and 2-space indentation (`indent` 0: one line). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint')
        return Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
      if (item instanceof Map) return Object.fromEntries(item);
      return item;
    },
    indent,
  );
}
