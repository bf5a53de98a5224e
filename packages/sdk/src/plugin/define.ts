import type { CallOptions, ProcessOutcome } from '../core/types.js';
import { runLineCommand } from './execute.js';
import type {
  Command,
  CommandContext,
  CommandRecord,
  LineCommandSpec,
  ProcessValue,
  MergeOption,
  Plugin,
  PluginApiVersion,
  ScriptCommandSpec,
} from './types.js';

/**
 * Define a command as data. Two shapes:
 *
 * - by data: `{ id, serialize, parse, fanout?, merge?, idempotent? }`: the SDK sends the line to the
 *   processes chosen by `fanout`, parses every reply and merges them with `merge`;
 * - multi-step: `{ id, run(context, ...args) }` for sequences (prepare/add/commit, diff and apply).
 *
 * The argument types come from `serialize`'s (or `run`'s) parameters and the result type from
 * `parse` and `merge` (or `run`), so a plugin namespace method is typed exactly with no annotation.
 *
 * @example
 * export const addAcl = defineCommand({
 *   id: 'add acl',
 *   serialize: (acl: string, pattern: string) => serializeCommand('add acl', acl, pattern),
 *   parse: (reply, _args, { line }) => expectEmptyReply(reply, line),
 * });
 */
export function defineCommand<const A extends readonly unknown[], P>(
  spec: LineCommandSpec<A, P, 'per-process'> & { readonly merge: 'per-process' },
): Command<A, ProcessOutcome<P>[], CallOptions>;
export function defineCommand<const A extends readonly unknown[], P, R>(
  spec: LineCommandSpec<A, P, (values: ReadonlyArray<ProcessValue<P>>) => R> & {
    readonly merge: (values: ReadonlyArray<ProcessValue<P>>) => R;
  },
): Command<A, R, CallOptions>;
export function defineCommand<const A extends readonly unknown[], P>(
  spec: LineCommandSpec<A, P, 'all-or-error' | 'same-or-inconsistent'>,
): Command<A, P, CallOptions>;
export function defineCommand<const A extends readonly unknown[], R, O extends CallOptions = CallOptions>(
  spec: ScriptCommandSpec<A, R, O>,
): Command<A, R, O>;
/* @__NO_SIDE_EFFECTS__ */
export function defineCommand(
  spec:
    | LineCommandSpec<unknown[], unknown, MergeOption<unknown>>
    | ScriptCommandSpec<unknown[], unknown, CallOptions>,
): Command<unknown[], unknown, CallOptions> {
  if (typeof spec.id !== 'string' || spec.id.length === 0)
    throw new TypeError('defineCommand: `id` is required');
  if (typeof spec.run === 'function') {
    const script = spec as ScriptCommandSpec<unknown[], unknown, CallOptions>;
    return Object.freeze({
      kind: 'haproxyadmin.command' as const,
      id: script.id,
      arity: script.arity ?? Math.max(0, script.run.length - 1),
      idempotent: script.idempotent ?? false,
      serialize: undefined,
      parse: undefined,
      fanout: undefined,
      merge: undefined,
      run: (context: CommandContext, ...args: unknown[]) => script.run(context, ...args),
    });
  }
  const line = spec as LineCommandSpec<unknown[], unknown, MergeOption<unknown>>;
  if (typeof line.serialize !== 'function' || typeof line.parse !== 'function') {
    throw new TypeError(`defineCommand(${line.id}): give either \`run\`, or \`serialize\` and \`parse\``);
  }
  const data = {
    id: line.id,
    arity: line.arity ?? line.serialize.length,
    fanout: line.fanout,
    merge: line.merge,
    idempotent: line.idempotent ?? false,
    serialize: line.serialize,
    parse: line.parse,
  };
  return Object.freeze({
    kind: 'haproxyadmin.command' as const,
    ...data,
    run: (context: CommandContext, ...args: unknown[]) => runLineCommand(data, context, args),
  });
}

/** What `definePlugin` takes. */
export interface PluginSpec<N extends string, C extends CommandRecord> {
  /** The namespace (`hap.<name>`): a lower-case identifier, not a name `HAProxy` already uses. */
  readonly name: N;
  /** The plugin contract version. Only `1` exists today. */
  readonly apiVersion: PluginApiVersion;
  /** The commands, keyed by method name. */
  readonly commands: C;
}

/**
 * Define a plugin: a named set of commands that `HAProxy.connect({ plugins })` turns into the typed
 * namespace `hap.<name>`.
 *
 * @example
 * export const aclPlugin = () => definePlugin({ name: 'acl', apiVersion: 1, commands: { add: addAcl } });
 */
/* @__NO_SIDE_EFFECTS__ */
export function definePlugin<const N extends string, const C extends CommandRecord>(
  spec: PluginSpec<N, C>,
): Plugin<N, C> {
  return Object.freeze({
    name: spec.name,
    apiVersion: spec.apiVersion,
    commands: Object.freeze({ ...spec.commands }),
  });
}
