import { CommandFailedError, HAProxyError, InvalidArgumentError } from '@haproxyadmin/protocol';
import { settle } from '../core/settle.js';
import type { CallOptions, Executor, ProcessOutcome, ProcessRef, RunOptions } from '../core/types.js';
import { InconsistentDataError, NotFoundError, SocketTimeoutError } from '../errors.js';
import { checkTimeout } from '../transport/interceptors.js';
import type { Command, CommandContext, CommandLine, FanOut, MergeOption, ReplyMeta } from './types.js';

/** Split `[...positional, options?]` using the command's arity. */
function splitArguments(
  command: { readonly id: string; readonly arity: number },
  args: readonly unknown[],
): { positional: unknown[]; options: CallOptions } {
  const positional = args.slice(0, command.arity);
  const last = args.length > command.arity ? args[command.arity] : undefined;
  if (args.length > command.arity + 1) {
    throw new InvalidArgumentError(
      `"${command.id}" takes ${command.arity} argument(s) and an options object, got ${args.length} arguments`,
      { argument: 'arguments', value: args.length },
    );
  }
  if (last !== undefined && (typeof last !== 'object' || last === null)) {
    throw new InvalidArgumentError(`the options of "${command.id}" must be an object, got ${typeof last}`, {
      argument: 'options',
      value: last,
    });
  }
  return { positional, options: (last ?? {}) as CallOptions };
}

/** The end of a call's budget: none for `undefined`, `0` and `Infinity` (no limit, as for `connect`). */
function deadlineOf(timeout: number | undefined): number | undefined {
  return timeout === undefined || timeout === 0 || timeout === Number.POSITIVE_INFINITY
    ? undefined
    : Date.now() + timeout;
}

/** Create the context a command runs in. `deadline` is shared by nested commands. */
export function createCommandContext<O extends CallOptions>(
  executor: Executor,
  id: string,
  options: O,
  deadline: number | undefined = deadlineOf(options.timeout),
): CommandContext<O> {
  const remaining = (): number | undefined => {
    // No deadline: the connection's default (undefined), or no limit (0, Infinity).
    if (deadline === undefined) return options.timeout;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new SocketTimeoutError(
        `"${id}" ran out of its time budget`,
        'every process',
        options.timeout ?? 0,
      );
    }
    return left;
  };
  const throwIfAborted = () => options.signal?.throwIfAborted();
  const context: CommandContext<O> = {
    executor,
    options,
    id,
    async run(line: string, runOptions: RunOptions = {}) {
      throwIfAborted();
      const timeout = runOptions.timeout ?? remaining();
      return executor.run(line, { ...runOptions, signal: runOptions.signal ?? options.signal, timeout });
    },
    async execute(command, ...args) {
      throwIfAborted();
      const nested = createCommandContext(
        executor,
        command.id,
        { signal: options.signal, timeout: remaining() },
        deadline,
      );
      return command.run(nested, ...args);
    },
    async processes() {
      throwIfAborted();
      const all = await executor.processes({ signal: options.signal, timeout: remaining() });
      return all.filter((process) => process.current);
    },
    throwIfAborted,
  };
  return context;
}

/**
 * Run a command on an executor: `args` are its positional arguments, optionally followed by the
 * call options. This is what `hap.execute()` and plugin namespaces call.
 */
export function executeCommand<A extends readonly unknown[], R, O extends CallOptions>(
  executor: Executor,
  command: Command<A, R, O>,
  args: readonly unknown[],
): Promise<R> {
  if (command?.kind !== 'haproxyadmin.command') {
    return Promise.reject(
      new InvalidArgumentError('execute() expects a command created with defineCommand()', {
        argument: 'command',
        value: command,
      }),
    );
  }
  try {
    const { positional, options } = splitArguments(command, args);
    checkTimeout(options.timeout);
    const context = createCommandContext(executor, command.id, options as O);
    return command.run(context, ...(positional as unknown as A));
  } catch (error) {
    return Promise.reject(error);
  }
}

const isSocketFault = (error: Error): boolean =>
  HAProxyError.isInstance(error) && String(error.code).startsWith('HAPROXY_ERR_SOCKET');

/** A stable text form of a parsed value, for `same-or-inconsistent` comparisons. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return `${item}n`;
    if (item instanceof Map) return { __map: [...item.entries()] };
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return item;
  });
}

interface LineSpec {
  readonly id: string;
  readonly arity: number;
  readonly fanout: FanOut | undefined;
  readonly merge: MergeOption<unknown> | undefined;
  readonly idempotent: boolean;
  serialize(...args: never[]): CommandLine;
  parse(reply: string, args: never, meta: ReplyMeta): unknown;
}

async function sendToOne(
  context: CommandContext,
  line: string,
  runOptions: RunOptions,
): Promise<ProcessOutcome<string>[]> {
  const processes = await context.processes();
  let last: ProcessOutcome<string>[] = [];
  for (const process of processes) {
    last = await context.run(line, { ...runOptions, targets: [process] });
    const outcome = last[0];
    if (!outcome || outcome.ok || !isSocketFault(outcome.error)) return last;
  }
  return last;
}

/** HAProxy's replies for an object that does not exist, and the kind each names. */
const NOT_FOUND: ReadonlyArray<[RegExp, string]> = [
  [/^Unknown ACL identifier/, 'acl'],
  [/^Unknown map identifier/, 'map'],
  [/^No such backend\./, 'backend'],
  [/^No such server\./, 'server'],
  [/^No such frontend\./, 'frontend'],
  [/^No such proxy\./, 'proxy'],
  [/^No such table/, 'table'],
];

/** A `CommandFailedError` whose reply says the object does not exist becomes a `NotFoundError`. */
function notFound(error: Error, args: readonly unknown[]): Error {
  if (!(error instanceof CommandFailedError)) return error;
  const text = error.response.trim();
  const match = NOT_FOUND.find(([pattern]) => pattern.test(text));
  if (!match) return error;
  const lookup = args.length > 0 ? String(args[0]) : error.command;
  return new NotFoundError(match[1], lookup, {
    message: `${error.message} (${match[1]} not found)`,
    cause: error,
  });
}

/**
 * Build the line. A JavaScript caller may pass fewer arguments than the command takes: omitted
 * optional ones are fine (`clear table <t>` with no key), but when the serializer then fails on an
 * `undefined` (a raw `TypeError`…), the caller gets an `InvalidArgumentError` naming the command and
 * the count instead. Nothing has been sent yet. The serializer's own `HAProxyError`s pass unchanged.
 */
function serializeLine(spec: LineSpec, args: readonly unknown[]): CommandLine {
  try {
    return (spec.serialize as (...values: unknown[]) => CommandLine)(...args);
  } catch (error) {
    if (args.length >= spec.arity || HAProxyError.isInstance(error)) throw error;
    throw new InvalidArgumentError(
      `"${spec.id}" takes ${spec.arity} arguments, got ${args.length}` +
        (error instanceof Error ? ` (${error.message})` : ''),
      { argument: 'arguments', value: args.length, cause: error },
    );
  }
}

/** Run a command defined by data: serialize, fan out, parse every reply, merge. */
export async function runLineCommand(
  spec: LineSpec,
  context: CommandContext,
  args: readonly unknown[],
): Promise<unknown> {
  const built = serializeLine(spec, args);
  const { line, payload } = typeof built === 'string' ? { line: built, payload: undefined } : built;
  const runOptions: RunOptions = { idempotent: spec.idempotent, payload };
  const fanout = spec.fanout ?? 'current';
  const outcomes =
    fanout === 'one'
      ? await sendToOne(context, line, runOptions)
      : await context.run(line, { ...runOptions, targets: fanout });
  const parse = spec.parse as (reply: string, args: unknown, meta: ReplyMeta) => unknown;
  const parsed: ProcessOutcome<unknown>[] = outcomes.map((outcome) => {
    if (!outcome.ok) return { process: outcome.process, ok: false, error: notFound(outcome.error, args) };
    try {
      return {
        process: outcome.process,
        ok: true,
        value: parse(outcome.value, args, { line, process: outcome.process }),
      };
    } catch (error) {
      return {
        process: outcome.process,
        ok: false,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    }
  });
  const merge = spec.merge ?? 'all-or-error';
  if (merge === 'per-process') return parsed;
  if (parsed.length === 0) {
    throw new NotFoundError('process', fanout, { message: `no HAProxy process to run "${line}" on` });
  }
  const values = settle(line, parsed);
  const withProcess = values.map((value, index) => ({
    process: (parsed[index] as { process: ProcessRef }).process,
    value,
  }));
  if (typeof merge === 'function') return merge(withProcess);
  if (merge === 'same-or-inconsistent') {
    const first = canonical(values[0]);
    if (values.some((value) => canonical(value) !== first))
      throw new InconsistentDataError(spec.id, withProcess);
  }
  return values[0];
}
