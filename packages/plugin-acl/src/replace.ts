import {
  AggregateProcessError,
  type CallOptions,
  type CommandContext,
  defineCommand,
  expectEmptyReply,
  forEachProcess,
  only,
  type ProcessRef,
  parseAclEntries,
  quoteArgument,
  replaceVersioned,
  resolvePatternId,
  type VersionedReplaceProcessResult,
} from '@haproxyadmin/sdk/plugin';
import type { AclId } from './commands.js';

/** Progress of a long `replace`/`sync`, reported per process. */
export interface AclProgressEvent {
  readonly phase: 'prepare' | 'add' | 'commit' | 'diff' | 'apply';
  readonly process: ProcessRef;
  /** Steps done in this phase on this process. */
  readonly done: number;
  /** Steps of this phase on this process. */
  readonly total: number;
}

export interface AclReplaceOptions extends CallOptions {
  /** Called as patterns are staged and committed (at most every 500 patterns, and at each phase end). */
  onProgress?: ((event: AclProgressEvent) => void) | undefined;
  /** `add acl` commands in flight per process (2.6 has no payload for ACLs). Default 32. */
  concurrency?: number | undefined;
}

/** What `replace` did on one process. */
export type AclReplaceProcessResult = VersionedReplaceProcessResult;

export interface AclReplaceResult {
  /** How many patterns each process now holds. */
  readonly count: number;
  readonly processes: readonly AclReplaceProcessResult[];
}

/**
 * Run `steps` with at most `limit` in flight, reporting progress. After the first failure no new step
 * starts, the ones in flight are awaited, and the first error is thrown.
 */
export async function runWindowed(
  total: number,
  limit: number,
  step: (index: number) => Promise<void>,
  progress: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < total) {
      const index = next++;
      try {
        await step(index);
      } catch (error) {
        failure ??= { error };
        return;
      }
      done++;
      if (done % 500 === 0 || done === total) progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, total)) }, worker));
  if (failure) throw failure.error;
  if (total === 0) progress(0);
}

/**
 * Stage `patterns` as a new version on every process (`prepare acl`, one `add acl @<ver>` per
 * pattern) and commit only when every process staged everything. Returns the staged versions, or
 * throws `AggregateProcessError` after clearing what was staged (nothing is committed anywhere).
 */
export async function replaceAclPatterns(
  context: CommandContext<AclReplaceOptions>,
  id: AclId,
  patterns: readonly string[],
): Promise<AclReplaceResult> {
  if (!Array.isArray(patterns))
    throw new TypeError('replace(id, patterns): patterns must be an array of strings');
  const words = patterns.map((pattern, index) => quoteArgument(pattern, `patterns[${index}]`));
  const acl = await resolvePatternId(context, id, 'acl');
  const { onProgress, concurrency = 32 } = context.options;
  const results = await replaceVersioned(context, {
    kind: 'acl',
    target: acl,
    onPhase: (phase, process) => onProgress?.({ phase, process, done: 1, total: 1 }),
    stage: (process, version) =>
      runWindowed(
        words.length,
        concurrency,
        async (index) => {
          const line = `add acl @${version} ${acl} ${words[index]}`;
          expectEmptyReply(only(await context.run(line, { targets: [process] }), line), line);
        },
        (done) => onProgress?.({ phase: 'add', process, done, total: words.length }),
      ),
  });
  return { count: patterns.length, processes: results };
}

/**
 * Replace every pattern of an ACL atomically on every current process: `prepare acl`, `add acl
 * @<ver>` for each pattern, then `commit acl @<ver>` — only once every process staged everything.
 * On any failure nothing is committed anywhere and the `AggregateProcessError` carries each
 * process's outcome.
 */
export const replaceAcl = /* @__PURE__ */ defineCommand({
  id: 'replace acl',
  run: (context: CommandContext<AclReplaceOptions>, id: AclId, patterns: readonly string[]) =>
    replaceAclPatterns(context, id, patterns),
});

export interface AclSyncOptions extends AclReplaceOptions {
  /**
   * Replace atomically instead of applying changes one by one when the changes exceed this share
   * of the desired size (and 64 changes). Default 0.5; `Infinity` never replaces, `0` always does.
   */
  replaceThreshold?: number | undefined;
}

export interface AclSyncResult {
  /** `incremental`: only the differences were applied; `replace`: a prepare/commit replace was used. */
  readonly mode: 'incremental' | 'replace';
  /** Patterns added (on any process). */
  readonly added: readonly string[];
  /** Patterns removed (on any process), duplicates included once. */
  readonly removed: readonly string[];
  /** Patterns already present. */
  readonly unchanged: number;
  /** Per-process numbers of commands sent. */
  readonly processes: ReadonlyArray<{ process: ProcessRef; added: number; removed: number }>;
}

/**
 * Make an ACL hold exactly `desired` (as a set) on every current process, applying only the
 * difference with what each process holds (`add acl`, `del acl #<ref>`), or an atomic `replace`
 * when the change is large. Incremental changes are not atomic; a failure reports each process.
 */
export const syncAcl = /* @__PURE__ */ defineCommand({
  id: 'sync acl',
  run: async (
    context: CommandContext<AclSyncOptions>,
    id: AclId,
    desired: Iterable<string>,
  ): Promise<AclSyncResult> => {
    const wanted = [...new Set(desired)];
    const words = new Map(
      wanted.map((pattern, index) => [pattern, quoteArgument(pattern, `desired[${index}]`)]),
    );
    const acl = await resolvePatternId(context, id, 'acl');
    const processes = await context.processes();
    const { onProgress, replaceThreshold = 0.5 } = context.options;
    const plans = await forEachProcess(processes, async (process) => {
      const show = `show acl ${acl}`;
      const entries = parseAclEntries(
        only(await context.run(show, { targets: [process], idempotent: true }), show),
      );
      const seen = new Set<string>();
      const removals: Array<{ ref: string; value: string }> = [];
      for (const entry of entries) {
        if (words.has(entry.value) && !seen.has(entry.value)) seen.add(entry.value);
        else removals.push(entry);
      }
      const additions = wanted.filter((pattern) => !seen.has(pattern));
      onProgress?.({ phase: 'diff', process, done: 1, total: 1 });
      return { process, additions, removals, unchanged: seen.size };
    });
    const ready = plans.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    if (ready.length !== plans.length) throw new AggregateProcessError(`sync acl ${acl}`, plans);
    const report = (mode: AclSyncResult['mode']): AclSyncResult => ({
      mode,
      added: [...new Set(ready.flatMap((plan) => plan.additions))],
      removed: [...new Set(ready.flatMap((plan) => plan.removals.map((entry) => entry.value)))],
      unchanged: Math.min(...ready.map((plan) => plan.unchanged)),
      processes: ready.map((plan) => ({
        process: plan.process,
        added: plan.additions.length,
        removed: plan.removals.length,
      })),
    });
    const changes = Math.max(0, ...ready.map((plan) => plan.additions.length + plan.removals.length));
    if (changes === 0) return report('incremental');
    if (changes > 64 && changes > replaceThreshold * wanted.length) {
      await replaceAclPatterns(context, id, wanted);
      return report('replace');
    }
    const applied = await forEachProcess(processes, async (process) => {
      const plan = ready.find((item) => item.process === process)!;
      const total = plan.additions.length + plan.removals.length;
      let done = 0;
      for (const entry of plan.removals) {
        const line = `del acl ${acl} #${entry.ref}`;
        expectEmptyReply(only(await context.run(line, { targets: [plan.process] }), line), line);
        onProgress?.({ phase: 'apply', process: plan.process, done: ++done, total });
      }
      for (const pattern of plan.additions) {
        const line = `add acl ${acl} ${words.get(pattern)}`;
        expectEmptyReply(only(await context.run(line, { targets: [plan.process] }), line), line);
        onProgress?.({ phase: 'apply', process: plan.process, done: ++done, total });
      }
      return total;
    });
    if (applied.some((outcome) => !outcome.ok)) throw new AggregateProcessError(`sync acl ${acl}`, applied);
    return report('incremental');
  },
});
