/**
 * The plugin contract (`apiVersion: 1`): a command is plain data (`defineCommand`), a plugin is a
 * named record of commands (`definePlugin`), and `HAProxy.connect({ plugins })` turns each plugin
 * into a typed namespace (`hap.acl.add(…)`). Nothing is patched onto a prototype, nothing is
 * registered globally, and no declaration merging is involved.
 */
import type { CallOptions, Executor, ProcessOutcome, ProcessRef, RunOptions } from '../core/types.js';

/**
 * Which processes a command goes to.
 * - `current` (default): every current process; writes and configuration reads.
 * - `all`: current and old workers (a reload leaves them serving); counters.
 * - `one`: the first current process that answers; the next one is tried after a socket fault.
 */
export type FanOut = 'current' | 'all' | 'one';

/**
 * How the per-process replies of a command become one result.
 * - `all-or-error` (default): every process must succeed; resolves with the first process's parsed
 *   value (use it for writes, whose replies carry no data). A partial failure rejects with
 *   `AggregateProcessError` carrying every outcome.
 * - `same-or-inconsistent`: every process must succeed and the parsed values must be deeply
 *   equal, else `InconsistentDataError` with every value.
 * - `per-process`: every process's outcome (`ProcessOutcome<Parsed>[]`), failures included; never
 *   rejects for a per-process failure.
 * - a function: every process must succeed; it receives each `{ process, value }` and returns the result.
 */
export type MergeStrategy = 'all-or-error' | 'same-or-inconsistent' | 'per-process';

/** One process's parsed value, handed to a merge function. */
export interface ProcessValue<T> {
  readonly process: ProcessRef;
  readonly value: T;
}

/** A merge policy for a command whose per-process parsed value is `P`. */
export type MergeOption<P> = MergeStrategy | ((values: ReadonlyArray<ProcessValue<P>>) => unknown);

/** The result type a merge policy `M` produces from per-process values of type `P`. */
export type MergedResult<P, M> = M extends 'per-process'
  ? ProcessOutcome<P>[]
  : M extends (values: never) => infer R
    ? R
    : P;

/** What `serialize` returns: one command line, optionally with a `<<` payload. */
export type CommandLine = string | { readonly line: string; readonly payload?: string | undefined };

/** What a multi-step command (and every command, internally) receives. */
export interface CommandContext<O extends CallOptions = CallOptions> {
  /** The executor of the client the command runs on. */
  readonly executor: Executor;
  /** The options the caller passed as the last argument (`{}` when none). */
  readonly options: O;
  /** The command's id, for error messages. */
  readonly id: string;
  /**
   * `executor.run` bound to this call: the caller's `signal` is passed on, and `timeout` is what is
   * left of the call's total budget.
   */
  run(line: string, options?: RunOptions): Promise<ProcessOutcome<string>[]>;
  /** Run another command as one step of this call (same signal and time budget). */
  execute<A extends readonly unknown[], R>(command: Command<A, R, CallOptions>, ...args: A): Promise<R>;
  /** The current processes, in executor order. */
  processes(): Promise<readonly ProcessRef[]>;
  /** Throws the abort reason when the caller's signal is aborted. */
  throwIfAborted(): void;
}

/** Where a parsed reply came from, handed to `parse`. */
export interface ReplyMeta {
  /** The command line as sent (without payload). */
  readonly line: string;
  readonly process: ProcessRef;
}

/**
 * A command defined by data: how to write its line and read its reply. `serialize` must build the
 * line with `serializeCommand`/`quoteArgument` so untrusted input can never inject a command.
 */
export interface LineCommandSpec<A extends readonly unknown[], P, M = MergeOption<P>> {
  /** The literal HAProxy verb (`'add acl'`, `'show table'`), used in errors and diagnostics. */
  readonly id: string;
  /** Build the command line (no newline). Throw `InvalidArgumentError` for refused input. */
  serialize(...args: A): CommandLine;
  /** Read one process's successful reply. Throw `CommandFailedError`/`ProtocolError` on a bad one. */
  parse(reply: string, args: A, meta: ReplyMeta): P;
  /** Which processes the command goes to. Default `current`. */
  readonly fanout?: FanOut | undefined;
  /** How per-process replies become one result. Default `all-or-error`. */
  readonly merge?: M | undefined;
  /** True when sending it twice is harmless (reads, absolute sets): the executor may retry it. Default false. */
  readonly idempotent?: boolean | undefined;
  /** Number of positional arguments (the call options follow them). Default `serialize.length`. */
  readonly arity?: number | undefined;
  readonly run?: never;
}

/**
 * The escape hatch for multi-step commands (prepare/add/commit, diff-and-apply…): `run` gets a
 * {@link CommandContext} and does whatever it needs through it. Annotate `context` as
 * `CommandContext<MyOptions>` to accept more per-call options than `{ signal, timeout }`.
 */
export interface ScriptCommandSpec<A extends readonly unknown[], R, O extends CallOptions> {
  readonly id: string;
  run(context: CommandContext<O>, ...args: A): Promise<R>;
  /** Number of positional arguments (the call options follow them). Default `run.length - 1`. */
  readonly arity?: number | undefined;
  /** Documentation only: whether running it twice is harmless. Default false. */
  readonly idempotent?: boolean | undefined;
  readonly serialize?: never;
  readonly parse?: never;
}

/**
 * A command: data describing one HAProxy operation, runnable with `hap.execute(command, ...args)` or
 * through a plugin namespace. `A` is its positional arguments, `R` its result, `O` its call options.
 */
export interface Command<
  A extends readonly unknown[] = readonly unknown[],
  R = unknown,
  O extends CallOptions = CallOptions,
> {
  readonly kind: 'haproxyadmin.command';
  readonly id: string;
  /** Number of positional arguments; an extra last argument is the call options. */
  readonly arity: number;
  readonly idempotent: boolean;
  /** For commands defined by data: the line builder (absent for multi-step commands). */
  readonly serialize: ((...args: A) => CommandLine) | undefined;
  /** For commands defined by data: the reply reader. */
  readonly parse: ((reply: string, args: A, meta: ReplyMeta) => unknown) | undefined;
  readonly fanout: FanOut | undefined;
  readonly merge: MergeOption<unknown> | undefined;
  /** Run it (what `hap.execute` and plugin namespaces call). */
  run(context: CommandContext<O>, ...args: A): Promise<R>;
}

/** Any command, whatever its arguments, result and options (the constraint of command records). */
export type AnyCommand = Command<never, unknown, never>;

/** A plugin's commands, keyed by method name. */
export type CommandRecord = Readonly<Record<string, AnyCommand>>;

/** The plugin API version this SDK implements. */
export type PluginApiVersion = 1;

/** A named set of commands that becomes `hap.<name>`. */
export interface Plugin<N extends string = string, C extends CommandRecord = CommandRecord> {
  /** The namespace: a lower-case identifier (`acl`, `map`, `stickTable`). */
  readonly name: N;
  /** The plugin contract version; `1` today. */
  readonly apiVersion: PluginApiVersion;
  readonly commands: C;
}

/** Any plugin (the constraint of `HAProxy.connect({ plugins })`). */
export type AnyPlugin = Plugin<string, CommandRecord>;

/** Positional arguments followed by the optional call options. */
export type ArgsWithOptions<A extends readonly unknown[], O> = [...A, options?: O];

/** A command bound to a client: its arguments plus an optional last `{ signal?, timeout? }`. */
export type BoundCommand<C> =
  C extends Command<infer A, infer R, infer O> ? (...args: ArgsWithOptions<A, O>) => Promise<R> : never;

/** The namespace object a plugin's commands become. */
export type BoundCommands<C extends CommandRecord> = { readonly [K in keyof C]: BoundCommand<C[K]> };

/** The namespaces the plugins `P` add to a client: `{ acl: …, map: … }`. */
export type PluginNamespaces<P extends readonly AnyPlugin[]> = {
  readonly [X in P[number] as X['name']]: BoundCommands<X['commands']>;
};
