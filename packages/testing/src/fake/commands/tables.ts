import { type CommandContext, err, OK, type Reply } from '../command.js';
import type { StickTableState, TableEntry } from '../state.js';
import { SSL_COMMANDS } from './ssl.js';
import type { BuiltinCommand } from './types.js';

function tableOf(context: CommandContext, name: string | undefined): StickTableState | undefined {
  return context.state.proxies.find((proxy) => proxy.name === name && proxy.stickTable)?.stickTable;
}

function header(table: StickTableState): string {
  return `# table: ${table.name}, type: ${table.type}, size:${table.size}, used:${table.entries.length}\n`;
}

function storeName(store: string): string {
  const match = /^(\w+)\((\w+)\)$/.exec(store);
  if (!match) return store;
  const ms = /^(\d+)(ms|s|m|h)?$/.exec(match[2]!);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[ms?.[2] ?? 'ms'] ?? 1;
  return `${match[1]}(${Number(ms?.[1] ?? 0) * factor})`;
}

/** HAProxy prints stored data in the order of its data-type list, not in `store` order. */
const DATA_ORDER = [
  'server_id',
  'gpt0',
  'gpc0',
  'gpc0_rate',
  'conn_cnt',
  'conn_rate',
  'conn_cur',
  'sess_cnt',
  'sess_rate',
  'http_req_cnt',
  'http_req_rate',
  'http_err_cnt',
  'http_err_rate',
  'bytes_in_cnt',
  'bytes_in_rate',
  'bytes_out_cnt',
  'bytes_out_rate',
  'gpc1',
  'gpc1_rate',
  'server_key',
  'http_fail_cnt',
  'http_fail_rate',
  'gpt',
  'gpc',
  'gpc_rate',
];

const rank = (store: string) => DATA_ORDER.indexOf(store.replace(/\(.*$/, ''));

function entryLine(
  context: CommandContext,
  table: StickTableState,
  entry: TableEntry,
  index: number,
): string {
  const data = [...table.store]
    .sort((a, b) => rank(a) - rank(b))
    .map((store) => `${storeName(store)}=${entry.data[store.replace(/\(.*$/, '')] ?? 0}`);
  const pointer = (0x55d0c0c00000 + index * 0x80).toString(16);
  const exp = Math.max(0, entry.expire - context.now);
  return `0x${pointer}: key=${entry.key} use=0 exp=${exp} ${data.join(' ')}`.trimEnd();
}

/** Apply `data.<type> <op> <value>` / `key <k>` filters. */
function filterEntries(args: string[], table: StickTableState): TableEntry[] | Reply {
  let entries = table.entries;
  for (let i = 0; i < args.length; i += 3) {
    const what = args[i]!;
    if (what === 'key') {
      entries = entries.filter((entry) => entry.key === args[i + 1]);
      i -= 1;
      continue;
    }
    if (!what.startsWith('data.')) return err(`Filter entry #${i / 3 + 1}: Unknown data type`);
    const type = what.slice(5);
    if (!table.store.some((store) => store.replace(/\(.*$/, '') === type)) {
      return err(`Filter entry #${i / 3 + 1}: Unknown data type`);
    }
    const op = args[i + 1];
    const value = Number(args[i + 2]);
    const compare: Record<string, (a: number) => boolean> = {
      eq: (a) => a === value,
      ne: (a) => a !== value,
      gt: (a) => a > value,
      ge: (a) => a >= value,
      lt: (a) => a < value,
      le: (a) => a <= value,
    };
    const test = op ? compare[op] : undefined;
    if (!test)
      return err(`Filter entry #${i / 3 + 1}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"`);
    entries = entries.filter((entry) => test(entry.data[type] ?? 0));
  }
  return entries;
}

/** Stick-table commands. */
export const TABLE_COMMANDS: BuiltinCommand[] = [
  {
    words: ['show', 'table'],
    level: 'user',
    handle(context) {
      const name = context.args[2];
      if (!name) {
        const tables = context.state.proxies
          .filter((proxy) => proxy.stickTable)
          .map((proxy) => proxy.stickTable!)
          .reverse();
        return { text: `${tables.map(header).join('')}\n` };
      }
      const table = tableOf(context, name);
      if (!table) return err('No such table');
      const entries = filterEntries(context.args.slice(3), table);
      if ('text' in entries) return entries;
      if (context.session.level === 'user') {
        return { text: `${header(table)}# contents not dumped due to insufficient privileges\n\n` };
      }
      // 2.6 prints nothing at all, not even the header, for a `key` that is absent.
      if (entries.length === 0 && context.args[3] === 'key') return { text: '\n' };
      const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const lines = sorted.map(
        (entry) => `${entryLine(context, table, entry, table.entries.indexOf(entry))}\n`,
      );
      return { text: `${header(table)}${lines.join('')}\n` };
    },
  },
  {
    words: ['set', 'table'],
    level: 'operator',
    handle(context) {
      const table = tableOf(context, context.args[2]);
      if (!table) return err('No such table');
      if (context.args[3] === undefined) return OK;
      if (context.args[3] !== 'key') return err('"key" value expected');
      if (context.args[4] === undefined) return err('Key value expected');
      const key = context.args[4];
      let entry = table.entries.find((candidate) => candidate.key === key);
      if (!entry) {
        entry = { key, data: {}, expire: context.now + table.expire };
        for (const store of table.store) entry.data[store.replace(/\(.*$/, '')] = 0;
        table.entries.unshift(entry);
      }
      for (let i = 5; i < context.args.length; i += 2) {
        const type = context.args[i]!.replace(/^data\./, '');
        if (!context.args[i]!.startsWith('data.'))
          return err('Optional argument only supports "data.<store_data_type>"');
        if (!DATA_ORDER.includes(type)) return err('Unknown data type');
        if (!table.store.some((store) => store.replace(/\(.*$/, '') === type)) {
          return err('Data type not stored in this table');
        }
        // 2.6 reads the value with strtoll-like rules but refuses a missing or non-numeric one.
        const value = context.args[i + 1];
        if (value === undefined || !/^[-+]?\d+$/.test(value))
          return err('Require a valid integer value to store');
        entry.data[type] = Number(value);
      }
      return OK;
    },
  },
  {
    words: ['clear', 'table'],
    level: 'operator',
    handle(context) {
      const table = tableOf(context, context.args[2]);
      if (!table) return err('No such table');
      const entries = filterEntries(context.args.slice(3), table);
      if ('text' in entries) return entries;
      table.entries = table.entries.filter((entry) => !entries.includes(entry));
      return OK;
    },
  },
  // SSL and resolvers (registered with the tables: the runtime-API extras of issue #8).
  ...SSL_COMMANDS,
];
