/** Process-wide commands: `set maxconn|rate-limit`, `clear-counters`, `errors`, `raw`. */
import { parseInteger } from '../args.js';
import type { CommandSpec } from '../context.js';
import { ExitCode, UsageError, exitCodeFor, oneLine } from '../errors.js';
import { processJson, processLabel } from '../format.js';
import type { ProcessOutcome, ProcessRef } from '../sdk-types.js';
import { reportDone } from './write.js';

const RATE_LIMITS = {
  connections: 'setRateLimitConn',
  sessions: 'setRateLimitSess',
  'ssl-sessions': 'setRateLimitSslSess',
} as const;

/** Print per-process text outputs, with a header per process when there are several. */
function printOutcomes(
  context: Parameters<CommandSpec['run']>[0],
  outcomes: ReadonlyArray<ProcessOutcome<string>>,
): number {
  if (context.json) {
    context.printJson(
      outcomes.map((outcome) =>
        outcome.ok
          ? { process: processJson(outcome.process), ok: true, output: outcome.value }
          : {
              process: processJson(outcome.process),
              ok: false,
              error: { name: outcome.error.name, message: outcome.error.message },
            },
      ),
    );
  } else {
    for (const outcome of outcomes) {
      if (outcomes.length > 1) context.print(context.style.bold(`── ${processLabel(outcome.process)}`));
      if (outcome.ok) {
        const text = outcome.value.replace(/\n+$/, '');
        if (text) context.print(text);
      } else {
        context.note(`hapctl: ${processLabel(outcome.process)}: ${oneLine(outcome.error)}`);
      }
    }
  }
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length === 0) return ExitCode.ok;
  if (failed.length < outcomes.length) return ExitCode.partial;
  const first = failed[0]!;
  return first.ok ? ExitCode.error : exitCodeFor(first.error);
}

/** Normalise `hap.errors()` (per-process text) to outcomes. */
function errorsToOutcomes(value: unknown, processes: readonly ProcessRef[]): ProcessOutcome<string>[] {
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry, index) => {
    const record = entry as Record<string, unknown>;
    if (record && typeof record === 'object' && 'process' in record) {
      if ('ok' in record) return record as unknown as ProcessOutcome<string>;
      const text = Array.isArray(record.lines)
        ? record.lines.join('\n')
        : (record.value ?? record.output ?? record.text);
      return {
        process: record.process as ProcessRef,
        ok: true,
        value: typeof text === 'string' ? text : JSON.stringify(text, null, 2),
      };
    }
    return {
      process: processes[index] ?? processes[0]!,
      ok: true,
      value: typeof entry === 'string' ? entry : JSON.stringify(entry, null, 2),
    };
  });
}

export const globalCommands: CommandSpec[] = [
  {
    name: 'set maxconn',
    summary: 'set the global maxconn of every process',
    usage: ['set maxconn N'],
    args: [1, 1],
    connects: true,
    async run(context) {
      const value = parseInteger(context.args[0], 'maxconn', context.command.name);
      const hap = await context.hap();
      await hap.setMaxConn(value);
      return reportDone(context, `global maxconn ${value} on every process`, {
        action: 'set-maxconn',
        maxconn: value,
      });
    },
  },
  {
    name: 'set rate-limit',
    summary: 'set a global rate limit (connections, sessions, ssl-sessions per second) of every process',
    usage: ['set rate-limit connections|sessions|ssl-sessions N'],
    args: [2, 2],
    connects: true,
    async run(context) {
      const kind = context.args[0] as keyof typeof RATE_LIMITS;
      if (!(kind in RATE_LIMITS)) {
        throw new UsageError(
          `rate limit must be connections, sessions or ssl-sessions, got ${JSON.stringify(kind)}`,
          context.command.name,
        );
      }
      const value = parseInteger(context.args[1], 'rate limit', context.command.name);
      const hap = await context.hap();
      await hap[RATE_LIMITS[kind]](value);
      return reportDone(context, `global rate limit ${kind} ${value}/s on every process`, {
        action: 'set-rate-limit',
        limit: kind,
        value,
      });
    },
  },
  {
    name: 'clear-counters',
    summary: 'reset statistics counters on every process (--all also resets maxima and totals)',
    usage: ['clear-counters [--all]'],
    options: ['all'],
    args: [0, 0],
    connects: true,
    async run(context) {
      const hap = await context.hap();
      const all = context.options.all === true;
      await hap.clearCounters({ all });
      return reportDone(context, `counters cleared${all ? ' (all)' : ''} on every process`, {
        action: 'clear-counters',
        all,
      });
    },
  },
  {
    name: 'errors',
    summary: 'the last request/response errors captured by each process (show errors)',
    usage: ['errors [PROXY_IID]'],
    args: [0, 1],
    connects: true,
    async run(context) {
      const hap = await context.hap();
      const iid =
        context.args[0] === undefined
          ? undefined
          : parseInteger(context.args[0], 'proxy iid', context.command.name);
      const value = iid === undefined ? await hap.errors() : await hap.errors(iid);
      return printOutcomes(context, errorsToOutcomes(value, await hap.executor.processes()));
    },
  },
  {
    name: 'raw',
    summary: 'send a Runtime API command line as is to every process and print each answer',
    usage: ['raw "COMMAND"'],
    details:
      'The line is sent unescaped (it may contain `;` to chain commands). Quote it for your shell. Exit code 6 when HAProxy answers with an error, 4 when only some processes do.',
    args: [1, Number.POSITIVE_INFINITY],
    connects: true,
    async run(context) {
      const line = context.args.join(' ');
      if (/[\r\n]/.test(line)) throw new UsageError('the command must be one line', context.command.name);
      const hap = await context.hap();
      return printOutcomes(context, await hap.command(line));
    },
  },
];
