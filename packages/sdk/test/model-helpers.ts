/**
 * A small in-test Executor that answers with real HAProxy 2.6.12 captures (test/fixtures), edited
 * per process, and records every command it is sent.
 */
import { readFileSync } from 'node:fs';
import { CommandFailedError } from '@haproxyadmin/protocol';
import type { Executor, ProcessOutcome, ProcessRef, RunOptions } from '../src/core/types.js';

export const STAT_CSV = readFileSync(new URL('./fixtures/show-stat-2.6.12.csv', import.meta.url), 'utf8');
export const INFO_TEXT = readFileSync(new URL('./fixtures/show-info-2.6.12.txt', import.meta.url), 'utf8');

const [HEADER_LINE, ...ROW_LINES] = STAT_CSV.trimEnd().split('\n');
export const HEADER = HEADER_LINE!.slice(2).split(',');

export type Row = string[];

/** The captured rows, as editable arrays of raw CSV fields. */
export function capturedRows(): Row[] {
  return ROW_LINES.map((line) => line.split(','));
}

export function col(name: string): number {
  const index = HEADER.indexOf(name);
  if (index < 0) throw new Error(`no column ${name}`);
  return index;
}

export function get(rows: Row[], proxy: string, name: string, field: string): string {
  const row = rows.find((r) => r[0] === proxy && r[1] === name);
  if (!row) throw new Error(`no row ${proxy}/${name}`);
  return row[col(field)]!;
}

export function set(rows: Row[], proxy: string, name: string, field: string, value: string | number): Row[] {
  const row = rows.find((r) => r[0] === proxy && r[1] === name);
  if (!row) throw new Error(`no row ${proxy}/${name}`);
  row[col(field)] = String(value);
  return rows;
}

/** Render rows as `show stat` would (optionally only one proxy's rows, as `show stat <px> -1 -1`). */
export function renderStat(rows: Row[], proxy?: string): string {
  const selected = proxy === undefined ? rows : rows.filter((row) => row[0] === proxy);
  return `${HEADER_LINE}\n${selected.map((row) => row.join(',')).join('\n')}\n`;
}

/** A server row cloned from the captured `be_app/s1` under another name. */
export function serverRow(backend: string, name: string, sid: number): Row {
  const row = [...capturedRows().find((r) => r[0] === 'be_app' && r[1] === 's1')!];
  row[0] = backend;
  row[1] = name;
  row[col('sid')] = String(sid);
  return row;
}

export function backendRow(backend: string, iid: number): Row {
  const row = [...capturedRows().find((r) => r[0] === 'be_app' && r[1] === 'BACKEND')!];
  row[0] = backend;
  row[col('iid')] = String(iid);
  return row;
}

export function makeProcess(index: number, current = true): ProcessRef {
  return {
    key: `unix:///run/haproxy/p${index}.sock`,
    endpoint: `/run/haproxy/p${index}.sock`,
    pid: 1000 + index,
    role: current ? 'standalone' : 'old-worker',
    current,
  };
}

export interface Call {
  line: string;
  targets: string[];
}

/** What a process answers: text, or an Error (becomes a failed outcome). */
export type Responder = (line: string, process: ProcessRef, index: number) => string | Error;

export interface TestExecutor extends Executor {
  readonly calls: Call[];
  readonly list: ProcessRef[];
  responder: Responder;
  /** Delay of every reply, in ms. */
  delay: number;
}

/**
 * Default responder: `show stat[ <px> -1 -1]` from `stat(index)`, `show info` from `info(index)`,
 * every other command answers the empty success reply.
 */
export function responder(
  stat: (index: number) => Row[],
  info: (index: number) => string = () => INFO_TEXT,
): Responder {
  return (line, _process, index) => {
    if (line === 'show stat') return renderStat(stat(index));
    const narrow = /^show stat (\S+) -1 -1$/.exec(line);
    if (narrow) {
      const rows = stat(index);
      if (!rows.some((row) => row[0] === narrow[1])) return new CommandFailedError(line, 'No such proxy.\n');
      return renderStat(rows, narrow[1]);
    }
    if (line === 'show info') return info(index);
    return '';
  };
}

export function createTestExecutor(processes: ProcessRef[], respond: Responder): TestExecutor {
  const executor: TestExecutor = {
    calls: [],
    list: processes,
    responder: respond,
    delay: 0,
    async processes() {
      return executor.list;
    },
    async run(line: string, options: RunOptions = {}): Promise<ProcessOutcome<string>[]> {
      const { targets = 'current' } = options;
      const chosen = executor.list.filter((process) =>
        targets === 'all'
          ? true
          : targets === 'current'
            ? process.current
            : typeof targets === 'function'
              ? targets(process)
              : targets.includes(process),
      );
      executor.calls.push({ line, targets: chosen.map((process) => process.key) });
      await new Promise((resolve) => setTimeout(resolve, executor.delay));
      return chosen.map((process) => {
        const value = executor.responder(line, process, executor.list.indexOf(process));
        return value instanceof Error ? { process, ok: false, error: value } : { process, ok: true, value };
      });
    },
    async close() {},
  };
  return executor;
}

export function count(executor: TestExecutor, prefix: string): number {
  return executor.calls.filter((call) => call.line.startsWith(prefix)).length;
}

/** How many times each process was sent a command starting with `prefix` (process key → count). */
export function perProcess(executor: TestExecutor, prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of executor.calls) {
    if (!call.line.startsWith(prefix)) continue;
    for (const key of call.targets) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The distinct command lines sent, in order (a dump sent per process counts once). */
export function lines(executor: TestExecutor): string[] {
  const out: string[] = [];
  for (const call of executor.calls)
    if (out.at(-1) !== call.line || !call.line.startsWith('show')) out.push(call.line);
  return out;
}
