/**
 * Runtime API extras: `reload` (master CLI), stick tables (`tables`, `table`, `table set`,
 * `table clear`), `sessions` / `session shutdown`, `resolvers`, `ssl certs`.
 */
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { processJson, processLabel } from '../format.js';
import { createProgress } from '../progress.js';
import type { Client } from '../sdk-types.js';
import { reportDone } from './write.js';

type TableSelector = NonNullable<Parameters<Client['table']>[1]>;
type TableFilter = { data: string; op: 'eq' | 'ne' | 'le' | 'ge' | 'lt' | 'gt'; value: number | bigint };
const OPERATORS = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'] as const;

/** `data.gpc0 gt 0` (or `gpc0 gt 0`) → a filter; a usage error otherwise. */
export function parseTableFilter(text: string, command: string): TableFilter {
  const match = /^\s*(?:data\.)?([a-z][a-z0-9_()]*)\s+(eq|ne|le|ge|lt|gt)\s+(\d+)\s*$/.exec(text);
  if (!match)
    throw new UsageError(
      `--filter must be "data.TYPE OP VALUE" with OP one of ${OPERATORS.join(', ')}, got ${JSON.stringify(text)}`,
      command,
    );
  const value = BigInt(match[3]!);
  return {
    data: match[1]!,
    op: match[2] as TableFilter['op'],
    value: value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value,
  };
}

/** `data.TYPE=VALUE` → [type, value]. */
export function parseTableData(text: string, command: string): [string, number | bigint] {
  const match = /^(?:data\.)?([a-z][a-z0-9_()]*)=(\d+)$/.exec(text);
  if (!match) {
    // The shape is right but the value is not a whole number >= 0: say that, not "expected data.TYPE=VALUE".
    const shaped = /^(?:data\.)?([a-z][a-z0-9_()]*)=(.*)$/.exec(text);
    if (shaped)
      throw new UsageError(
        `data.${shaped[1]} must be a whole number >= 0, got ${JSON.stringify(shaped[2])}`,
        command,
      );
    throw new UsageError(`expected data.TYPE=VALUE (e.g. data.gpc0=1), got ${JSON.stringify(text)}`, command);
  }
  const value = BigInt(match[2]!);
  return [match[1]!, value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value];
}

function selectorFrom(context: Context, key: string | undefined): TableSelector | undefined {
  const filters = (context.options.filter ?? []).map((text) => parseTableFilter(text, context.command.name));
  if (key !== undefined && filters.length > 0)
    throw new UsageError('give either a KEY or --filter, not both', context.command.name);
  if (filters.length > 4) throw new UsageError('at most 4 --filter (HAProxy limit)', context.command.name);
  if (key !== undefined) return { key };
  // The merged view filters the merged (summed) values, as shown; --per-process each copy, by HAProxy.
  if (filters.length > 0)
    return context.command.name === 'table' && !context.perProcess
      ? { filter: filters, filterOn: 'merged' }
      : { filter: filters };
  return undefined;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return String(value);
}

const reload: CommandSpec = {
  name: 'reload',
  summary: 'reload HAProxy through the master CLI and wait for the new worker (--master only)',
  usage: ['reload --master SOCKET'],
  details:
    'Sends `reload` to the master CLI and waits until `show proc` shows a new current worker (or the\n' +
    'failed-reload counter moving: the new configuration was refused, the old workers keep serving; exit 6).\n' +
    'Prints the old and new worker pids and the time it took.',
  args: [0, 0],
  connects: true,
  async run(context) {
    // Refuse before connecting when the sources are known and have no master CLI (an embedding
    // caller's own client is left to the SDK, which rejects with UnsupportedError: exit 6).
    const sources = context.hasClient ? undefined : context.sources();
    if (sources && sources.master === undefined) {
      throw new UsageError(
        'reload works through the master CLI only: pass --master SOCKET (or HAPCTL_MASTER, "master" in the config file)',
        this.name,
      );
    }
    const hap = await context.hap();
    const progress = createProgress(context.io.stderr, 'reloading');
    let result: Awaited<ReturnType<Client['reload']>>;
    try {
      result = await hap.reload();
    } finally {
      progress.finish();
    }
    if (context.json) {
      context.printJson({
        ok: true,
        master: result.master,
        oldWorkers: result.oldWorkers,
        newWorkers: result.newWorkers,
        elapsedMs: result.elapsedMs,
        output: result.output,
      });
    } else {
      context.print(
        `${context.style.green('✔')} reloaded in ${(result.elapsedMs / 1000).toFixed(1)}s: workers ${
          result.oldWorkers.join(', ') || '-'
        } → ${result.newWorkers.join(', ') || '-'}`,
      );
      if (result.output.trim()) context.print(result.output.replace(/\n+$/, ''));
    }
    return ExitCode.ok;
  },
};

const tables: CommandSpec = {
  name: 'tables',
  summary: 'stick tables: type, size, entries used (summed over processes)',
  usage: ['tables [--per-process]'],
  options: ['per-process'],
  args: [0, 0],
  connects: true,
  async run(context) {
    const hap = await context.hap();
    const list = await hap.tables();
    if (context.json) {
      context.printJson(
        list.map((table) => ({
          name: table.name,
          type: table.type,
          size: table.size,
          used: table.used,
          ...(context.perProcess
            ? {
                perProcess: table.perProcess.map((entry) => ({
                  process: processJson(entry.process),
                  size: entry.size,
                  used: entry.used,
                })),
              }
            : {}),
        })),
      );
      return ExitCode.ok;
    }
    if (context.perProcess) {
      const rows = list.flatMap((table) => table.perProcess.map((entry) => ({ table, ...entry })));
      context.table(
        [
          { header: 'TABLE', value: (row) => row.table.name },
          { header: 'PROCESS', value: (row) => processLabel(row.process) },
          { header: 'TYPE', value: (row) => row.table.type },
          { header: 'SIZE', value: (row) => String(row.size), align: 'right' },
          { header: 'USED', value: (row) => String(row.used), align: 'right' },
        ],
        rows,
      );
      return ExitCode.ok;
    }
    context.table(
      [
        { header: 'TABLE', value: (row) => row.name },
        { header: 'TYPE', value: (row) => row.type },
        { header: 'SIZE', value: (row) => String(row.size), align: 'right' },
        { header: 'USED', value: (row) => String(row.used), align: 'right' },
        { header: 'PROCESSES', value: (row) => String(row.perProcess.length), align: 'right' },
      ],
      list,
    );
    return ExitCode.ok;
  },
};

const table: CommandSpec = {
  name: 'table',
  summary: 'the entries of a stick table, merged by key over processes (--filter, KEY)',
  usage: ['table NAME [KEY] [--filter "data.TYPE OP VALUE"]… [--per-process]'],
  details:
    'Counters and rates are summed over the processes holding the key; --per-process shows each copy.\n' +
    'OP: eq, ne, le, ge, lt, gt (up to 4 --filter, all must match). --filter applies to the values shown:\n' +
    "the sums, or with --per-process each process's own (HAProxy filters). See also: table set, table clear.",
  options: ['filter', 'per-process'],
  args: [1, 2],
  connects: true,
  async run(context) {
    const name = context.args[0]!;
    const selector = selectorFrom(context, context.args[1]);
    const hap = await context.hap();
    const contents = await hap.table(name, selector);
    if (contents.restricted) context.note('hapctl: entries hidden at this socket level (needs operator)');
    if (context.json) {
      context.printJson({
        name: contents.name,
        type: contents.type,
        size: contents.size,
        used: contents.used,
        restricted: contents.restricted,
        entries: contents.entries.map((entry) => ({
          key: entry.key,
          use: entry.use,
          expire: entry.expire ?? null,
          data: entry.data,
          ...(context.perProcess
            ? {
                perProcess: entry.perProcess.map((copy) => ({
                  process: processJson(copy.process),
                  data: copy.data,
                })),
              }
            : {}),
        })),
      });
      return ExitCode.ok;
    }
    const types = [...new Set(contents.entries.flatMap((entry) => Object.keys(entry.data)))];
    if (context.perProcess) {
      const rows = contents.entries.flatMap((entry) => entry.perProcess.map((copy) => ({ entry, copy })));
      context.table(
        [
          { header: 'KEY', value: (row) => row.entry.key, flexible: true },
          { header: 'PROCESS', value: (row) => processLabel(row.copy.process) },
          ...types.map((type) => ({
            header: type.toUpperCase(),
            value: (row: (typeof rows)[number]) => cell((row.copy.data as Record<string, unknown>)[type]),
            align: 'right' as const,
          })),
        ],
        rows,
      );
      return ExitCode.ok;
    }
    context.table(
      [
        { header: 'KEY', value: (row) => row.key, flexible: true },
        { header: 'USE', value: (row) => String(row.use), align: 'right' },
        {
          header: 'EXPIRE',
          value: (row) => (row.expire === undefined ? '-' : `${Math.round(row.expire / 1000)}s`),
          align: 'right',
        },
        ...types.map((type) => ({
          header: type.toUpperCase(),
          value: (row: (typeof contents.entries)[number]) => cell(row.data[type]),
          align: 'right' as const,
        })),
        { header: 'PROCESSES', value: (row) => String(row.perProcess.length), align: 'right' },
      ],
      contents.entries,
    );
    return ExitCode.ok;
  },
};

const tableSet: CommandSpec = {
  name: 'table set',
  summary: 'create or update a stick-table entry on every process',
  usage: ['table set NAME KEY [data.TYPE=VALUE]…'],
  details: 'Example: hapctl table set st_src 10.0.0.1 data.gpc0=1 data.http_req_cnt=0',
  args: [2, Number.POSITIVE_INFINITY],
  connects: true,
  async run(context) {
    const [name, key, ...rest] = context.args as [string, string, ...string[]];
    const data = Object.fromEntries(rest.map((text) => parseTableData(text, this.name)));
    const hap = await context.hap();
    await hap.setTableEntry(name, key, data);
    return reportDone(context, `table ${name}: ${key} set`, { action: 'table-set', table: name, key, data });
  },
};

const tableClear: CommandSpec = {
  name: 'table clear',
  destructive: true,
  summary: 'remove entries of a stick table on every process (asks first; --yes)',
  usage: ['table clear NAME [KEY] [--filter "data.TYPE OP VALUE"]… [--yes]'],
  details:
    "Without KEY or --filter every entry not in use is removed. --filter is applied by HAProxy to each process's own values (not to the sums `table` shows).",
  options: ['filter', 'yes'],
  args: [1, 2],
  connects: true,
  async run(context) {
    const name = context.args[0]!;
    const key = context.args[1];
    const selector = selectorFrom(context, key);
    const what = key !== undefined ? `entry ${key} of` : selector ? 'matching entries of' : 'every entry of';
    if (!(await confirm(context, `clear ${what} table ${name}`))) {
      context.note('hapctl: aborted');
      return ExitCode.error;
    }
    const hap = await context.hap();
    await hap.clearTable(name, selector);
    return reportDone(context, `table ${name}: ${key === undefined ? 'cleared' : `${key} cleared`}`, {
      action: 'table-clear',
      table: name,
      key: key ?? null,
      filter: context.options.filter ?? [],
    });
  },
};

const sessions: CommandSpec = {
  name: 'sessions',
  summary: 'open sessions (streams) of every process, old workers included (show sess)',
  usage: ['sessions'],
  args: [0, 0],
  connects: true,
  async run(context) {
    const hap = await context.hap();
    const list = await hap.sessions();
    if (context.json) {
      context.printJson(
        list.map((session) => ({
          id: session.ptr,
          process: processJson(session.process),
          proto: session.proto,
          source: session.source,
          frontend: session.frontend,
          backend: session.backend ?? null,
          server: session.server ?? null,
          age: session.age,
          ageSeconds: session.ageSeconds ?? null,
          expire: session.expire,
        })),
      );
      return ExitCode.ok;
    }
    context.table(
      [
        { header: 'ID', value: (row) => row.ptr },
        { header: 'PROCESS', value: (row) => processLabel(row.process) },
        { header: 'PROTO', value: (row) => row.proto },
        { header: 'SOURCE', value: (row) => row.source, flexible: true },
        { header: 'FRONTEND', value: (row) => row.frontend },
        { header: 'BACKEND', value: (row) => row.backend ?? '-' },
        { header: 'SERVER', value: (row) => row.server ?? '-' },
        { header: 'AGE', value: (row) => row.age, align: 'right' },
      ],
      list,
    );
    return ExitCode.ok;
  },
};

const sessionShutdown: CommandSpec = {
  name: 'session shutdown',
  destructive: true,
  summary: 'close one session by its ID from `hapctl sessions` (asks first; --yes)',
  usage: ['session shutdown ID [--yes]'],
  options: ['yes'],
  args: [1, 1],
  connects: true,
  async run(context) {
    const id = context.args[0]!;
    if (!/^0x[0-9a-fA-F]+$/.test(id))
      throw new UsageError(`session ID must look like 0x7f16d8032750, got ${JSON.stringify(id)}`, this.name);
    if (!(await confirm(context, `shut down session ${id}`))) {
      context.note('hapctl: aborted');
      return ExitCode.error;
    }
    const hap = await context.hap();
    const found = (await hap.sessions()).filter((session) => session.ptr === id);
    // One process has it: ask only that one; otherwise every process is asked (NotFound when none has it).
    await hap.shutdownSession(found.length === 1 ? found[0]! : id);
    return reportDone(context, `session ${id} shut down`, { action: 'shutdown-session', id });
  },
};

const resolvers: CommandSpec = {
  name: 'resolvers',
  summary: 'DNS resolvers sections and nameserver counters per process (show resolvers)',
  usage: ['resolvers [SECTION]'],
  args: [0, 1],
  connects: true,
  async run(context) {
    const hap = await context.hap();
    const list = await hap.resolvers(context.args[0]);
    if (context.json) {
      context.printJson(
        list.map((entry) => ({ process: processJson(entry.process), sections: entry.sections })),
      );
      return ExitCode.ok;
    }
    const rows = list.flatMap((entry) =>
      entry.sections.flatMap((section) =>
        section.nameservers.length === 0
          ? [{ process: entry.process, section: section.name, nameserver: '-', counters: {} }]
          : section.nameservers.map((ns) => ({
              process: entry.process,
              section: section.name,
              nameserver: ns.name,
              counters: ns.counters as Record<string, number>,
            })),
      ),
    );
    const count = (row: (typeof rows)[number], name: string) => cell(row.counters[name]);
    context.table(
      [
        { header: 'PROCESS', value: (row) => processLabel(row.process) },
        { header: 'SECTION', value: (row) => row.section },
        { header: 'NAMESERVER', value: (row) => row.nameserver },
        { header: 'SENT', value: (row) => count(row, 'sent'), align: 'right' },
        { header: 'VALID', value: (row) => count(row, 'valid'), align: 'right' },
        { header: 'ERRORS', value: (row) => count(row, 'any_err'), align: 'right' },
        { header: 'NX', value: (row) => count(row, 'nx'), align: 'right' },
        { header: 'TIMEOUT', value: (row) => count(row, 'timeout'), align: 'right' },
      ],
      rows,
    );
    return ExitCode.ok;
  },
};

const sslCerts: CommandSpec = {
  name: 'ssl certs',
  summary: 'TLS certificate files loaded (union over processes) and open transactions',
  usage: ['ssl certs [--per-process]'],
  options: ['per-process'],
  args: [0, 0],
  connects: true,
  async run(context) {
    const hap = await context.hap();
    const certs = await hap.ssl.certs();
    if (context.json) {
      context.printJson({
        files: certs.files,
        transactions: certs.transactions,
        ...(context.perProcess
          ? {
              perProcess: certs.perProcess.map((entry) => ({
                process: processJson(entry.process),
                files: entry.value.files,
                transactions: entry.value.transactions,
              })),
            }
          : {}),
      });
      return ExitCode.ok;
    }
    if (context.perProcess) {
      const rows = certs.perProcess.flatMap((entry) =>
        entry.value.files.map((file) => ({
          process: entry.process,
          file,
          open: entry.value.transactions.includes(file),
        })),
      );
      context.table(
        [
          { header: 'PROCESS', value: (row) => processLabel(row.process) },
          { header: 'FILE', value: (row) => row.file, flexible: true },
          { header: 'TRANSACTION', value: (row) => (row.open ? 'open' : '-') },
        ],
        rows,
      );
      return ExitCode.ok;
    }
    context.table(
      [
        { header: 'FILE', value: (row) => row.file, flexible: true },
        { header: 'TRANSACTION', value: (row) => (row.open ? 'open' : '-') },
        {
          header: 'PROCESSES',
          value: (row) =>
            String(certs.perProcess.filter((entry) => entry.value.files.includes(row.file)).length),
          align: 'right',
        },
      ],
      certs.files.map((file) => ({ file, open: certs.transactions.includes(file) })),
    );
    return ExitCode.ok;
  },
};

export const runtimeCommands: CommandSpec[] = [
  reload,
  tables,
  table,
  tableSet,
  tableClear,
  sessions,
  sessionShutdown,
  resolvers,
  sslCerts,
];
