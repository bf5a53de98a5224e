/**
 * `hapctl`, the command-line tool of haproxyadmin. `run(argv, io)` is the whole program: `bin.ts`
 * calls it with the process streams, tests call it in-process with captured ones.
 *
 * @example
 * import { run } from '@haproxyadmin/cli';
 * const code = await run(['servers', '--backend', 'be_app', '--json', '--socket-dir', '/run/haproxy']);
 */
import { HAProxyError } from '@haproxyadmin/sdk';
import { checkAllowedOptions, parseCommandLine } from './args.js';
import { checkConfirmable } from './confirm.js';
import { demoCommand } from './commands/demo.js';
import { frontendCommands } from './commands/frontend.js';
import { globalCommands } from './commands/global.js';
import { patternCommands } from './commands/patterns.js';
import { runtimeCommands } from './commands/runtime.js';
import { serverCommands } from './commands/server.js';
import { statsCommands } from './commands/stats.js';
import { watchCommand } from './commands/watch.js';
import { type CommandSpec, Context } from './context.js';
import { ExitCode, UsageError, errorJson, exitCodeFor, oneLine, outcomeJson } from './errors.js';
import { GROUPS, closest, commandHelp, groupHelp, mainHelp } from './help.js';
import { type CliIo, colorEnabled, createStyle, processIo } from './io.js';
import type { Client } from './sdk-types.js';

export { ExitCode, UsageError } from './errors.js';
/** The embedded cluster's haproxy.cfg and ACL/map files that `hapctl demo` runs (for `createFakeCluster`). */
export { DEMO_CONFIG, DEMO_FILES } from './demo-config.js';
export type { CliIo, InputStream, OutputStream } from './io.js';
export type { CommandSpec } from './context.js';

declare const __HAPCTL_VERSION__: string | undefined;
/** The CLI's version (from package.json at build time). */
export const VERSION: string = typeof __HAPCTL_VERSION__ === 'string' ? __HAPCTL_VERSION__ : '0.0.0-dev';

/** Every command, in help order. */
export const COMMANDS: readonly CommandSpec[] = [
  ...statsCommands,
  ...globalCommands.filter((command) => !command.name.startsWith('set ')),
  watchCommand,
  demoCommand,
  ...runtimeCommands,
  ...serverCommands,
  ...frontendCommands,
  ...patternCommands,
  ...globalCommands.filter((command) => command.name.startsWith('set ')),
];

export interface RunOptions {
  /** Use this client instead of connecting (tests, embedding). It is not closed by `run`. */
  client?: Client | undefined;
}

function findCommand(positionals: readonly string[]): {
  command?: CommandSpec;
  group?: string;
  consumed: number;
} {
  const [first, second] = positionals;
  if (first === undefined) return { consumed: 0 };
  if (second !== undefined) {
    const command = COMMANDS.find((candidate) => candidate.name === `${first} ${second}`);
    if (command) return { command, consumed: 2 };
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (command) return { command, consumed: 1 };
  if (first in GROUPS) return { group: first, consumed: 1 };
  return { consumed: 0 };
}

/** Run hapctl with `argv` (without `node` and the script name). Resolves with the exit code. */
export async function run(
  argv: readonly string[],
  io: CliIo = processIo(),
  options: RunOptions = {},
): Promise<number> {
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const noColor = argv.includes('--no-color');
  const errStyle = createStyle(colorEnabled(io.stderr, io.env, noColor));
  const outStyle = createStyle(colorEnabled(io.stdout, io.env, noColor));
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.options.version) {
      io.stdout.write(`hapctl ${VERSION}\n`);
      return ExitCode.ok;
    }
    let positionals = parsed.positionals;
    let wantsHelp = parsed.options.help === true;
    if (positionals[0] === 'help') {
      wantsHelp = true;
      positionals = positionals.slice(1);
    }
    const found = findCommand(positionals);
    if (!found.command) {
      if (found.group) {
        const sub = positionals[1];
        if (wantsHelp && sub === undefined) {
          io.stdout.write(`${groupHelp(found.group, COMMANDS, outStyle)}\n`);
          return ExitCode.ok;
        }
        const names = COMMANDS.filter((c) => c.name.startsWith(`${found.group} `)).map(
          (c) => c.name.split(' ')[1]!,
        );
        const hint = sub ? closest(sub, names) : undefined;
        const message = sub
          ? `unknown command "${found.group} ${sub}"${hint ? ` (did you mean "${found.group} ${hint}"?)` : ''}`
          : `"${found.group}" needs a subcommand: ${names.join(', ')}`;
        throw new UsageError(message, found.group);
      }
      if (positionals.length === 0) {
        if (wantsHelp) {
          io.stdout.write(`${mainHelp(COMMANDS, outStyle)}\n`);
          return ExitCode.ok;
        }
        io.stderr.write(`${mainHelp(COMMANDS, errStyle)}\n`);
        return ExitCode.usage;
      }
      const words = [...new Set(COMMANDS.map((command) => command.name.split(' ')[0]!))];
      const hint = closest(positionals[0]!, words);
      throw new UsageError(`unknown command "${positionals[0]}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    const command = found.command;
    if (wantsHelp) {
      io.stdout.write(`${commandHelp(command, outStyle)}\n`);
      return ExitCode.ok;
    }
    checkAllowedOptions(parsed.present, command.options ?? [], command.name);
    const args = positionals.slice(found.consumed);
    const [min, max] = command.args;
    if (args.length < min || args.length > max) {
      const expected =
        min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      throw new UsageError(
        `expected ${expected} argument${max === 1 && min === 1 ? '' : 's'}, got ${args.length}: hapctl ${command.usage[0]}`,
        command.name,
      );
    }
    const context = new Context(io, parsed.options, args, command, options.client);
    if (command.destructive) checkConfirmable(context);
    try {
      return (await command.run(context)) ?? ExitCode.ok;
    } finally {
      await context.close().catch(() => {});
    }
  } catch (error) {
    const code = exitCodeFor(error);
    const hint = error instanceof UsageError && error.command ? ` (see: hapctl ${error.command} --help)` : '';
    io.stderr.write(`${errStyle.red('hapctl:')} ${oneLine(error)}${hint}\n`);
    const outcomes = (error as { outcomes?: unknown }).outcomes;
    const rolledBack = HAProxyError.isInstance(error) && error.code === 'HAPROXY_ERR_ROLLED_BACK';
    if ((code === ExitCode.partial || rolledBack) && Array.isArray(outcomes)) {
      for (const outcome of outcomes as Array<Record<string, unknown>>) {
        const entry = outcomeJson(outcome);
        const where = `${String(entry.endpoint)}${entry.pid === null ? '' : ` (pid ${String(entry.pid)})`}`;
        // after a rollback, the processes where it had worked were undone: not "ok"
        const detail = entry.ok
          ? rolledBack
            ? 'applied, then undone'
            : 'ok'
          : ((entry.error as { message?: string } | null)?.message ?? 'failed');
        io.stderr.write(`  ${entry.ok ? errStyle.green('✔') : errStyle.red('✖')} ${where}: ${detail}\n`);
      }
    }
    if (json) io.stdout.write(`${JSON.stringify({ error: errorJson(error) }, null, 2)}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return code;
  }
}
