/** Read-only views: `info`, `frontends`, `backends`, `servers`. */
import type { CommandSpec, Context } from '../context.js';
import { CliNotFoundError } from '../errors.js';
import { bytes, count, duration, processJson, processLabel, status } from '../format.js';
import type { Client, ProcessRef, StatValue } from '../sdk-types.js';
import { renderKeyValue, type Column } from '../table.js';
import { loadStats, num, type StatObject, type Stats, serverKey, statusOf } from '../view.js';

type InfoRecord = Record<string, StatValue>;

/** `hap.info()`: one record per process. */
export async function loadInfo(hap: Client): Promise<Array<{ process: ProcessRef; info: InfoRecord }>> {
  return (await hap.info()).map((entry) => ({
    process: entry.process,
    info: { ...entry.info } as InfoRecord,
  }));
}

/** Summary fields summed over processes (capacities and counters): JSON name → `show info` name. */
const SUMMED: Record<string, string> = {
  maxconn: 'Maxconn',
  currConns: 'CurrConns',
  cumConns: 'CumConns',
  cumReq: 'CumReq',
  connRate: 'ConnRate',
  sessRate: 'SessRate',
  sslRate: 'SslRate',
  connRateLimit: 'ConnRateLimit',
  sessRateLimit: 'SessRateLimit',
  sslRateLimit: 'SslRateLimit',
  currSslConns: 'CurrSslConns',
  cumSslConns: 'CumSslConns',
  runQueue: 'Run_queue',
  tasks: 'Tasks',
};

/** One summary record over processes: sums for capacities and counters, avg for Idle_pct, min uptime. */
export function summarizeInfo(records: InfoRecord[]): Record<string, StatValue> {
  const pick = (key: string) => records.map((record) => record[key]).filter((value) => value !== undefined);
  const same = (key: string): StatValue => {
    const values = [...new Set(pick(key).map((value) => String(value ?? '')))];
    return values.length <= 1 ? values[0] || null : `MIXED (${values.join(', ')})`;
  };
  const numbers = (key: string) =>
    pick(key)
      .map(num)
      .filter((value): value is number => value !== null);
  const idle = numbers('Idle_pct');
  const uptime = numbers('Uptime_sec');
  const summary: Record<string, StatValue> = {
    name: same('Name'),
    version: same('Version'),
    releaseDate: same('Release_date'),
    node: same('node'),
    description: same('description'),
    processes: records.length,
    uptimeSec: uptime.length ? Math.min(...uptime) : null,
    idlePct: idle.length ? Math.round(idle.reduce((a, b) => a + b, 0) / idle.length) : null,
  };
  for (const [name, key] of Object.entries(SUMMED)) {
    const values = numbers(key);
    summary[name] = values.length ? values.reduce((a, b) => a + b, 0) : null;
  }
  return summary;
}

const info: CommandSpec = {
  name: 'info',
  summary: 'HAProxy version, uptime, limits and counters (summed over processes)',
  usage: ['info [--per-process] [--json]'],
  details:
    'Capacities and counters (Maxconn, CurrConns, CumReq, rate limits…) are summed over processes; Idle_pct is averaged; uptime is the youngest process.',
  options: ['per-process'],
  args: [0, 0],
  connects: true,
  async run(context) {
    const hap = await context.hap();
    const perProcess = await loadInfo(hap);
    const summary = summarizeInfo(perProcess.map((entry) => entry.info));
    if (context.json) {
      context.printJson({
        summary,
        processes: perProcess.map((entry) => ({ process: processJson(entry.process), info: entry.info })),
      });
      return 0;
    }
    const s = context.style;
    if (context.perProcess) {
      const keys = [
        'Name',
        'Version',
        'Pid',
        'Uptime',
        'Maxconn',
        'CurrConns',
        'CumConns',
        'CumReq',
        'ConnRate',
        'SessRate',
        'Idle_pct',
      ];
      const columns: Column<string>[] = [
        { header: 'FIELD', value: (key) => key },
        ...perProcess.map(
          (entry, index): Column<string> => ({
            header: `#${index + 1} ${entry.process.pid ?? ''}`.trim(),
            value: (key) => String(entry.info[key] ?? '-'),
            flexible: true,
          }),
        ),
      ];
      context.table(columns, keys);
      return 0;
    }
    const pids = perProcess.map((entry) => entry.process.pid ?? '?').join(', ');
    context.print(
      renderKeyValue(
        [
          ['Name', String(summary.name ?? '-')],
          ['Version', `${summary.version ?? '-'}${summary.releaseDate ? ` (${summary.releaseDate})` : ''}`],
          ['Node', String(summary.node || '-')],
          ['Description', String(summary.description || '-')],
          ['Processes', `${perProcess.length} (pids ${pids})`],
          ['Uptime', duration(summary.uptimeSec ?? null)],
          ['Maxconn', count(summary.maxconn ?? null)],
          ['CurrConns', count(summary.currConns ?? null)],
          ['CumConns', count(summary.cumConns ?? null)],
          ['CumReq', count(summary.cumReq ?? null)],
          [
            'ConnRate',
            `${count(summary.connRate ?? null)}/s (limit ${count(summary.connRateLimit ?? null)})`,
          ],
          [
            'SessRate',
            `${count(summary.sessRate ?? null)}/s (limit ${count(summary.sessRateLimit ?? null)})`,
          ],
          ['SslRate', `${count(summary.sslRate ?? null)}/s (limit ${count(summary.sslRateLimit ?? null)})`],
          ['Idle', summary.idlePct === null ? '-' : `${summary.idlePct}%`],
        ],
        (text) => s.bold(text),
      ),
    );
    return 0;
  },
};

/** JSON shape of one frontend/backend/server (documented in the README). */
export function objectJson(object: StatObject, withPerProcess: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: object.name };
  if (object.kind === 'server') out.backend = object.backend ?? null;
  out.status = statusOf(object);
  out.processes = object.perProcess.length;
  out.stats = object.stats;
  out.inconsistent = object.inconsistent;
  if (withPerProcess) {
    out.perProcess = object.perProcess.map((entry) => ({
      process: processJson(entry.process),
      stats: entry.stats,
    }));
  }
  return out;
}

interface Row {
  object: StatObject;
  /** Set for per-process rows. */
  process?: ProcessRef | undefined;
  stats: Stats;
  status: string;
}

function rowsOf(objects: StatObject[], perProcess: boolean): Row[] {
  if (!perProcess)
    return objects.map((object) => ({ object, stats: object.stats, status: statusOf(object) }));
  return objects.flatMap((object) =>
    object.perProcess.map((entry) => ({
      object,
      process: entry.process,
      stats: entry.stats,
      status: String(entry.stats.status ?? ''),
    })),
  );
}

function statColumns(context: Context, kind: StatObject['kind'], perProcess: boolean): Column<Row>[] {
  const s = context.style;
  const c = (header: string, key: string, format = count, priority = 1): Column<Row> => ({
    header,
    // Aggregated rows: a field the processes disagree on says so instead of a misleading value.
    value: (row) =>
      !row.process && row.object.inconsistent.includes(key)
        ? s.yellow('MIXED')
        : format(row.stats[key] ?? null),
    align: 'right',
    priority,
  });
  const columns: Column<Row>[] = [];
  if (kind === 'server') {
    columns.push({
      header: 'BACKEND',
      value: (row) => row.object.backend ?? '',
      flexible: true,
      priority: 9,
    });
  }
  columns.push({
    header: 'NAME',
    value: (row) => row.object.name,
    flexible: true,
    minWidth: 8,
    priority: 10,
  });
  if (perProcess) {
    columns.push({
      header: 'PROCESS',
      value: (row) => (row.process ? processLabel(row.process) : ''),
      flexible: true,
      priority: 8,
    });
  }
  columns.push({ header: 'STATUS', value: (row) => status(s, row.status), priority: 9 });
  if (kind === 'frontend') {
    columns.push(
      c('SCUR', 'scur', count, 8),
      c('SMAX', 'smax'),
      c('SLIM', 'slim', count, 3),
      c('RATE', 'rate', count, 7),
      c('REQ/S', 'req_rate', count, 6),
      c('REQ_TOT', 'req_tot', count, 5),
      c('STOT', 'stot', count, 5),
      c('BIN', 'bin', bytes, 2),
      c('BOUT', 'bout', bytes, 2),
    );
  } else if (kind === 'backend') {
    columns.push(
      c('ACT', 'act', count, 7),
      c('BCK', 'bck', count, 3),
      c('WEIGHT', 'weight', count, 4),
      c('SCUR', 'scur', count, 8),
      c('SMAX', 'smax'),
      c('RATE', 'rate', count, 7),
      c('STOT', 'stot', count, 5),
      c('LBTOT', 'lbtot', count, 2),
      c('BIN', 'bin', bytes, 2),
      c('BOUT', 'bout', bytes, 2),
    );
  } else {
    columns.push(
      c('WEIGHT', 'weight', count, 8),
      { header: 'ADDR', value: (row) => String(row.stats.addr ?? '-'), flexible: true, priority: 4 },
      c('SCUR', 'scur', count, 7),
      c('RATE', 'rate', count, 6),
      c('STOT', 'stot', count, 5),
      { header: 'CHECK', value: (row) => String(row.stats.check_status ?? '-'), priority: 3 },
      c('LASTCHG', 'lastchg', duration, 2),
    );
  }
  if (!perProcess) {
    columns.push({
      header: 'PROCS',
      value: (row) => String(row.object.perProcess.length),
      align: 'right',
      priority: 1,
    });
  }
  return columns;
}

function listCommand(kind: StatObject['kind']): CommandSpec {
  const plural = `${kind}s`;
  return {
    name: plural,
    summary:
      kind === 'server'
        ? 'servers with status, weight, sessions (aggregated over processes)'
        : `${plural} with status, sessions, rates and traffic (aggregated over processes)`,
    usage: [
      kind === 'server'
        ? 'servers [--backend B] [NAME] [--per-process] [--json]'
        : `${plural} [NAME] [--per-process] [--json]`,
    ],
    details:
      'Counters are summed over processes; STATUS is the common value or MIXED when processes disagree (see --per-process). Data comes from one stats dump per process.',
    options: kind === 'server' ? ['per-process', 'backend'] : ['per-process'],
    args: [0, 1],
    connects: true,
    async run(context) {
      const hap = await context.hap();
      const view = await loadStats(hap);
      let objects = kind === 'frontend' ? view.frontends : kind === 'backend' ? view.backends : view.servers;
      const backend = context.options.backend;
      if (backend !== undefined) {
        if (!view.backends.some((object) => object.name === backend)) {
          throw new CliNotFoundError('backend', backend);
        }
        objects = objects.filter((object) => object.backend === backend);
      }
      const name = context.args[0];
      if (name !== undefined) {
        objects = objects.filter((object) => object.name === name || serverKey(object) === name);
        if (objects.length === 0) throw new CliNotFoundError(kind, name);
      }
      if (context.json) {
        context.printJson(objects.map((object) => objectJson(object, context.perProcess)));
        return 0;
      }
      context.table(statColumns(context, kind, context.perProcess), rowsOf(objects, context.perProcess));
      return 0;
    },
  };
}

export const statsCommands: CommandSpec[] = [
  info,
  listCommand('frontend'),
  listCommand('backend'),
  listCommand('server'),
];
