/**
 * Confirmation for destructive actions: `--yes` skips it; on a terminal the user is asked; with no
 * terminal and no `--yes` the command is refused (exit code 2) instead of guessing.
 */
import type { Context } from './context.js';
import { UsageError } from './errors.js';

/** True when the user can be asked (a terminal on stdin and stderr). */
export function canAsk(context: Context): boolean {
  return context.io.stdin?.isTTY === true && context.io.stderr.isTTY === true;
}

/** Refuse early (before connecting) when a destructive command could not ask and has no `--yes`. */
export function checkConfirmable(context: Context): void {
  if (context.options.yes || canAsk(context)) return;
  throw new UsageError(
    `refusing to run "${context.command.name}" without confirmation: pass --yes`,
    context.command.name,
  );
}

/** True when the action may go ahead; false when the user said no. */
export async function confirm(context: Context, question: string): Promise<boolean> {
  if (context.options.yes) return true;
  const stdin = context.io.stdin;
  if (!stdin || !canAsk(context)) {
    throw new UsageError(`refusing to ${question} without confirmation: pass --yes`, context.command.name);
  }
  context.io.stderr.write(`${context.errStyle.yellow('?')} ${question}? [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        stdin.off('data', onData);
        stdin.pause?.();
        resolve(buffer.slice(0, newline));
      }
    };
    stdin.on('data', onData);
    stdin.resume?.();
  });
  return /^y(es)?$/i.test(answer.trim());
}
