/**
 * Confirmation for destructive actions: `--yes` skips it; on a terminal the user is asked; with no
 * terminal and no `--yes` the command is refused (exit code 2) instead of guessing.
 */
import type { Context } from './context.js';
import { UsageError } from './errors.js';

/** True when the action may go ahead; false when the user said no. */
export async function confirm(context: Context, question: string): Promise<boolean> {
  if (context.options.yes) return true;
  const stdin = context.io.stdin;
  if (!stdin?.isTTY || !context.io.stderr.isTTY) {
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
