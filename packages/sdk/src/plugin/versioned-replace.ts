import { AggregateProcessError, ProtocolError } from '../errors.js';
import type { ProcessOutcome, ProcessRef } from '../core/types.js';
import { expectEmptyReply, forEachProcess, only } from './helpers.js';
import type { CommandContext } from './types.js';

/** What a failed versioned replace reports for a process that had staged everything: nothing was committed. */
export interface StagedVersion {
  readonly version: number;
  readonly committed: false;
  /** Whether the staged version was cleared (`clear acl|map @<ver>`) to free its memory. */
  readonly cleared: boolean;
}

/** What a versioned replace did on one process. */
export interface VersionedReplaceProcessResult {
  readonly process: ProcessRef;
  /** The version created by `prepare` (committed when `committed`). */
  readonly version: number;
  readonly committed: boolean;
}

export interface VersionedReplaceSpec {
  /** `acl` or `map`: the verbs are `prepare|clear|commit <kind>`. */
  readonly kind: 'acl' | 'map';
  /** The resolved, escaped id word (`#3` or a quoted file path). */
  readonly target: string;
  /** Fill version `version` on `process` (e.g. `add map @<ver> <target> <<` payloads). */
  stage(process: ProcessRef, version: number): Promise<void>;
  /** Called when a process finished `prepare` or `commit`. */
  onPhase?: ((phase: 'prepare' | 'commit', process: ProcessRef) => void) | undefined;
}

const VERSION = /New version created: (\d+)/;

/**
 * HAProxy's atomic replace of an ACL or map on every current process: `prepare`, stage the new
 * content into that version, and `commit` — only once every process staged everything. On any
 * failure nothing is committed anywhere: the staged versions are cleared (HAProxy has no `abort`)
 * and an {@link AggregateProcessError} carries each process's outcome ({@link StagedVersion} for
 * the processes that had staged everything).
 */
export async function replaceVersioned(
  context: CommandContext,
  spec: VersionedReplaceSpec,
): Promise<VersionedReplaceProcessResult[]> {
  const { kind, target } = spec;
  const processes = await context.processes();
  const prepared = new Map<ProcessRef, number>();
  const staged = await forEachProcess(processes, async (process) => {
    const prepare = `prepare ${kind} ${target}`;
    const reply = only(await context.run(prepare, { targets: [process] }), prepare);
    const version = VERSION.exec(reply)?.[1];
    if (version === undefined)
      throw new ProtocolError(`unexpected reply to "${prepare}"`, { excerpt: reply });
    prepared.set(process, Number(version));
    spec.onPhase?.('prepare', process);
    await spec.stage(process, Number(version));
    return Number(version);
  });
  if (staged.some((outcome) => !outcome.ok)) {
    const clear = async (process: ProcessRef, version: number) => {
      const line = `clear ${kind} @${version} ${target}`;
      return context.executor
        .run(line, { targets: [process] })
        .then((outcomes) => outcomes[0]?.ok === true && outcomes[0].value.trim() === '')
        .catch(() => false);
    };
    const report = await Promise.all(
      staged.map(async (outcome): Promise<ProcessOutcome<StagedVersion>> => {
        const version = prepared.get(outcome.process);
        const cleared = version === undefined ? false : await clear(outcome.process, version);
        if (!outcome.ok) return outcome;
        return {
          process: outcome.process,
          ok: true,
          value: { version: outcome.value, committed: false, cleared },
        };
      }),
    );
    // An abort rejects with the abort reason, as every call does; the staged versions were cleared.
    if (context.options.signal?.aborted) throw context.options.signal.reason;
    throw new AggregateProcessError(`replace ${kind} ${target} (nothing committed)`, report);
  }
  // Once every process staged everything, commit everywhere: the caller's signal no longer applies, so
  // an abort can never leave one process committed and another not.
  const committed = await forEachProcess(processes, async (process) => {
    const outcome = staged.find((item) => item.process === process);
    const version = outcome?.ok ? outcome.value : 0;
    const line = `commit ${kind} @${version} ${target}`;
    expectEmptyReply(only(await context.executor.run(line, { targets: [process] }), line), line);
    spec.onPhase?.('commit', process);
    return version;
  });
  if (committed.some((outcome) => !outcome.ok))
    throw new AggregateProcessError(`commit ${kind} ${target}`, committed);
  return committed.map((outcome) => ({
    process: outcome.process,
    version: outcome.ok ? outcome.value : 0,
    committed: outcome.ok,
  }));
}
