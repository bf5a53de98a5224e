import {
  AggregateProcessError,
  type CallOptions,
  type CommandContext,
  defineCommand,
  expectEmptyReply,
  forEachProcess,
  formatPatternId,
  InvalidArgumentError,
  type MapEntry,
  only,
  type ProcessRef,
  parseMapEntries,
  quoteArgument,
  replaceVersioned,
  resolvePatternId,
} from '@haproxyadmin/sdk/plugin';
import type { MapId } from './commands.js';

/** Map entries in any common shape: a `Map`, a plain object, `[key, value]` pairs or `{ key, value }` objects. */
export type MapEntriesInput =
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string>>
  | Iterable<readonly [string, string]>
  | Iterable<{ readonly key: string; readonly value: string }>;

/** Progress of a long `replace`/`sync`, reported per process. */
export interface MapProgressEvent {
  readonly phase: 'prepare' | 'add' | 'commit' | 'diff' | 'apply';
  readonly process: ProcessRef;
  /** Entries (or steps) done in this phase on this process. */
  readonly done: number;
  /** Entries (or steps) of this phase on this process. */
  readonly total: number;
}

export interface MapReplaceOptions extends CallOptions {
  /** Called after each payload chunk and at each phase end. */
  onProgress?: ((event: MapProgressEvent) => void) | undefined;
  /**
   * Bytes per `add map @<ver> <map> <<` request (command line + payload). HAProxy 2.6 needs the whole
   * request to fit in `tune.bufsize` (16384 by default). Default 12288.
   */
  maxRequestBytes?: number | undefined;
}

export interface MapReplaceResult {
  /** Entries each process now holds. */
  readonly count: number;
  readonly processes: ReadonlyArray<{ process: ProcessRef; version: number; committed: boolean }>;
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/** Normalise any accepted input to `[key, value]` pairs, in order. */
export function toPairs(input: MapEntriesInput): Array<[string, string]> {
  if (input instanceof Map) return [...input.entries()];
  if (input && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(input as Iterable<unknown>)].map((item, index) => {
      if (Array.isArray(item) && item.length === 2) return [item[0], item[1]] as [string, string];
      if (item && typeof item === 'object' && 'key' in item && 'value' in item) {
        return [(item as { key: string }).key, (item as { value: string }).value];
      }
      throw new InvalidArgumentError(`entries[${index}] must be [key, value] or { key, value }`, {
        argument: `entries[${index}]`,
        value: item,
      });
    });
  }
  if (input && typeof input === 'object') return Object.entries(input as Record<string, string>);
  throw new InvalidArgumentError('entries must be a Map, an object, or an iterable of entries', {
    argument: 'entries',
    value: input,
  });
}

/** One staging step: a payload chunk of plain entries, or one escaped command for an entry a payload cannot carry. */
type Step = { payload: string; count: number } | { words: string; count: 1 };

/**
 * In a payload, HAProxy takes the first word as the key and the rest of the line, after blanks, as
 * the value, with no unescaping. Entries whose key holds a blank or whose value starts with one go
 * as escaped commands instead; everything is validated (CR/LF/NUL, empty) before anything is sent.
 */
export function planSteps(
  pairs: ReadonlyArray<readonly [string, string]>,
  lineBytes: number,
  maxBytes: number,
): Step[] {
  const steps: Step[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (lines.length > 0) steps.push({ payload: lines.join('\n'), count: lines.length });
    lines = [];
    bytes = 0;
  };
  pairs.forEach(([key, value], index) => {
    const words = `${quoteArgument(key, `entries[${index}] key`)} ${quoteArgument(value, `entries[${index}] value`)}`;
    const plain = !/[ \t]/.test(key) && !/^[ \t]/.test(value);
    const size = byteLength(key) + 1 + byteLength(value) + 1;
    if (!plain || lineBytes + size + 8 > maxBytes) {
      if (lineBytes + byteLength(words) + 2 > 16384) {
        throw new InvalidArgumentError(
          `entries[${index}] is larger than HAProxy's command buffer (tune.bufsize)`,
          {
            argument: `entries[${index}]`,
          },
        );
      }
      flush();
      steps.push({ words, count: 1 });
      return;
    }
    if (lineBytes + bytes + size + 8 > maxBytes) flush();
    lines.push(`${key} ${value}`);
    bytes += size;
  });
  flush();
  return steps;
}

/** Stage `pairs` as a new version on every process and commit only when every process staged everything. */
export async function replaceMapEntries(
  context: CommandContext<MapReplaceOptions>,
  id: MapId,
  input: MapEntriesInput,
): Promise<MapReplaceResult> {
  const pairs = toPairs(input);
  const { onProgress, maxRequestBytes = 12_288 } = context.options;
  // Everything is validated before anything is sent. The longest version (`@4294967295`) is counted.
  const steps = planSteps(
    pairs,
    byteLength(`add map @4294967295 ${formatPatternId(id, 'map')} <<\n`),
    maxRequestBytes,
  );
  const map = await resolvePatternId(context, id, 'map');
  const results = await replaceVersioned(context, {
    kind: 'map',
    target: map,
    onPhase: (phase, process) => onProgress?.({ phase, process, done: 1, total: 1 }),
    stage: async (process, version) => {
      let done = 0;
      for (const step of steps) {
        const line =
          'payload' in step ? `add map @${version} ${map}` : `add map @${version} ${map} ${step.words}`;
        const payload = 'payload' in step ? step.payload : undefined;
        expectEmptyReply(only(await context.run(line, { targets: [process], payload }), line), line);
        done += step.count;
        onProgress?.({ phase: 'add', process, done, total: pairs.length });
      }
    },
  });
  return { count: pairs.length, processes: results };
}

/**
 * Replace every entry of a map atomically on every current process, any size: `prepare map`, the
 * entries as `add map @<ver> <map> <<` payloads cut under `tune.bufsize`, then `commit map @<ver>` —
 * only once every process staged everything. On any failure nothing is committed anywhere and the
 * `AggregateProcessError` carries each process's outcome; the map stays as it was.
 */
export const replaceMap = /* @__PURE__ */ defineCommand({
  id: 'replace map',
  run: (context: CommandContext<MapReplaceOptions>, id: MapId, entries: MapEntriesInput) =>
    replaceMapEntries(context, id, entries),
});

export interface MapSyncOptions extends MapReplaceOptions {
  /**
   * Replace atomically instead of applying changes one by one when the changes exceed this share of
   * the desired size (and 64 changes). Default 0.5; `Infinity` never replaces, `0` always does.
   */
  replaceThreshold?: number | undefined;
}

export interface MapSyncResult {
  readonly mode: 'incremental' | 'replace';
  /** Keys added (on any process). */
  readonly added: readonly string[];
  /** Keys whose value changed (on any process). */
  readonly updated: readonly string[];
  /** Keys removed, including duplicate entries of a kept key (on any process). */
  readonly removed: readonly string[];
  /** Keys already holding the desired value (on every process). */
  readonly unchanged: number;
  readonly processes: ReadonlyArray<{ process: ProcessRef; added: number; updated: number; removed: number }>;
}

/** A dump line is `key value` with one space: with keys holding spaces, prefer a split on a desired key. */
function resplit(entry: MapEntry, keys: ReadonlySet<string>): MapEntry {
  if (keys.has(entry.key) || entry.value === '') return entry;
  const rest = `${entry.key} ${entry.value}`;
  for (let index = rest.indexOf(' '); index >= 0; index = rest.indexOf(' ', index + 1)) {
    if (keys.has(rest.slice(0, index)))
      return { ref: entry.ref, key: rest.slice(0, index), value: rest.slice(index + 1) };
  }
  return entry;
}

/**
 * Make a map hold exactly `desired` (one value per key) on every current process: only the
 * differences are applied (`add map`, `set map #<ref>`, `del map #<ref>`), or an atomic `replace`
 * when the change is large. New keys are appended. Incremental changes are not atomic.
 */
export const syncMap = /* @__PURE__ */ defineCommand({
  id: 'sync map',
  run: async (
    context: CommandContext<MapSyncOptions>,
    id: MapId,
    desired: MapEntriesInput,
  ): Promise<MapSyncResult> => {
    const wanted = new Map(toPairs(desired));
    const words = new Map(
      [...wanted].map(([key, value]) => [
        key,
        { key: quoteArgument(key, 'key'), value: quoteArgument(value, 'value') },
      ]),
    );
    const map = await resolvePatternId(context, id, 'map');
    const processes = await context.processes();
    const { onProgress, replaceThreshold = 0.5 } = context.options;
    const keys = new Set(wanted.keys());
    const plans = await forEachProcess(processes, async (process) => {
      const show = `show map ${map}`;
      const entries = parseMapEntries(
        only(await context.run(show, { targets: [process], idempotent: true }), show),
      ).map((entry) => resplit(entry, keys));
      const kept = new Set<string>();
      const removals: MapEntry[] = [];
      const updates: MapEntry[] = [];
      for (const entry of entries) {
        if (!wanted.has(entry.key) || kept.has(entry.key)) {
          removals.push(entry);
          continue;
        }
        kept.add(entry.key);
        if (entry.value !== wanted.get(entry.key)) updates.push(entry);
      }
      const additions = [...wanted.keys()].filter((key) => !kept.has(key));
      onProgress?.({ phase: 'diff', process, done: 1, total: 1 });
      return { process, additions, updates, removals, unchanged: kept.size - updates.length };
    });
    const ready = plans.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    if (ready.length !== plans.length) throw new AggregateProcessError(`sync map ${map}`, plans);
    const report = (mode: MapSyncResult['mode']): MapSyncResult => ({
      mode,
      added: [...new Set(ready.flatMap((plan) => plan.additions))],
      updated: [...new Set(ready.flatMap((plan) => plan.updates.map((entry) => entry.key)))],
      removed: [...new Set(ready.flatMap((plan) => plan.removals.map((entry) => entry.key)))],
      unchanged: Math.min(...ready.map((plan) => plan.unchanged)),
      processes: ready.map((plan) => ({
        process: plan.process,
        added: plan.additions.length,
        updated: plan.updates.length,
        removed: plan.removals.length,
      })),
    });
    const size = (plan: (typeof ready)[number]) =>
      plan.additions.length + plan.updates.length + plan.removals.length;
    const changes = Math.max(0, ...ready.map(size));
    if (changes === 0) return report('incremental');
    if (changes > 64 && changes > replaceThreshold * wanted.size) {
      await replaceMapEntries(context, id, wanted);
      return report('replace');
    }
    const applied = await forEachProcess(processes, async (process) => {
      const plan = ready.find((item) => item.process === process)!;
      const lines = [
        ...plan.removals.map((entry) => `del map ${map} #${entry.ref}`),
        ...plan.updates.map((entry) => `set map ${map} #${entry.ref} ${words.get(entry.key)!.value}`),
        ...plan.additions.map((key) => `add map ${map} ${words.get(key)!.key} ${words.get(key)!.value}`),
      ];
      let done = 0;
      for (const line of lines) {
        expectEmptyReply(only(await context.run(line, { targets: [process] }), line), line);
        onProgress?.({ phase: 'apply', process, done: ++done, total: lines.length });
      }
    });
    if (applied.some((outcome) => !outcome.ok)) throw new AggregateProcessError(`sync map ${map}`, applied);
    return report('incremental');
  },
});
