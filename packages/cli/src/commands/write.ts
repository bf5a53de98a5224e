/** Shared helpers for commands that change HAProxy: reporting, many targets with a progress bar. */
import type { Context } from '../context.js';
import { ExitCode, errorJson, exitCodeFor, oneLine } from '../errors.js';
import { createProgress } from '../progress.js';

/** Report a successful write: one human line, or `{ ok: true, ... }` with `--json`. */
export function reportDone(context: Context, message: string, json: Record<string, unknown>): number {
  if (context.json) context.printJson({ ok: true, ...json });
  else context.print(`${context.style.green('✔')} ${message}`);
  return ExitCode.ok;
}

/**
 * Apply one write to several targets (servers of a backend…), one after the other, with a progress
 * bar on a TTY. All succeed → 0; some fail → 4 (partial); all fail → the first error's exit code.
 */
export async function applyToMany<T>(
  context: Context,
  label: string,
  targets: readonly T[],
  name: (target: T) => string,
  action: (target: T) => Promise<void>,
  json: Record<string, unknown>,
): Promise<number> {
  if (targets.length === 1) {
    await action(targets[0]!);
    return reportDone(context, `${label}: ${name(targets[0]!)}`, { ...json, targets: [name(targets[0]!)] });
  }
  const progress = createProgress(context.io.stderr, label, targets.length);
  const results: Array<{ target: string; ok: boolean; error?: unknown }> = [];
  for (const target of targets) {
    try {
      await action(target);
      results.push({ target: name(target), ok: true });
    } catch (error) {
      results.push({ target: name(target), ok: false, error });
    }
    progress.tick(name(target));
  }
  progress.finish();
  const failed = results.filter((result) => !result.ok);
  if (context.json) {
    context.printJson({
      ok: failed.length === 0,
      ...json,
      targets: results.map((result) => ({
        target: result.target,
        ok: result.ok,
        ...(result.ok ? {} : { error: errorJson(result.error) }),
      })),
    });
  } else {
    for (const result of results) {
      context.print(
        result.ok
          ? `${context.style.green('✔')} ${label}: ${result.target}`
          : `${context.style.red('✖')} ${label}: ${result.target}: ${oneLine(result.error)}`,
      );
    }
  }
  if (failed.length === 0) return ExitCode.ok;
  if (failed.length < results.length) {
    context.note(`hapctl: ${failed.length} of ${results.length} failed`);
    return ExitCode.partial;
  }
  context.note(`hapctl: ${oneLine(failed[0]!.error)}`);
  return exitCodeFor(failed[0]!.error);
}
