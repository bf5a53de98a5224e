import { type CommandContext, err, OK, PERMISSION_DENIED, type Reply } from '../command.js';
import type { StickTableState, TableEntry } from '../state.js';
import { SSL_COMMANDS } from './ssl.js';
import type { BuiltinCommand } from './types.js';

function tableOf(context: CommandContext, name: string | undefined): StickTableState | undefined {
  return context.state.proxies.find((proxy) => proxy.name === name && proxy.stickTable)?.stickTable;
}

function header(table: StickTableState): string {
  return `# table: ${table.name}, type: ${table.type}, size:${table.size}, used:${table.entries.length}\n`;
}

/** How HAProxy 2.6 keeps a data type: its C type decides wrapping, comparison and printing. */
type Kind = 'sint' | 'uint' | 'ull' | 'frqp' | 'dict';

/** The data types of 2.6 in the order it prints them, with their storage kind. */
const DATA_TYPES: [string, Kind][] = [
  ['server_id', 'sint'],
  ['gpt0', 'uint'],
  ['gpc0', 'uint'],
  ['gpc0_rate', 'frqp'],
  ['conn_cnt', 'uint'],
  ['conn_rate', 'frqp'],
  ['conn_cur', 'uint'],
  ['sess_cnt', 'uint'],
  ['sess_rate', 'frqp'],
  ['http_req_cnt', 'uint'],
  ['http_req_rate', 'frqp'],
  ['http_err_cnt', 'uint'],
  ['http_err_rate', 'frqp'],
  ['bytes_in_cnt', 'ull'],
  ['bytes_in_rate', 'frqp'],
  ['bytes_out_cnt', 'ull'],
  ['bytes_out_rate', 'frqp'],
  ['gpc1', 'uint'],
  ['gpc1_rate', 'frqp'],
  ['server_key', 'dict'],
  ['http_fail_cnt', 'uint'],
  ['http_fail_rate', 'frqp'],
  ['gpt', 'uint'],
  ['gpc', 'uint'],
  ['gpc_rate', 'frqp'],
];
const KIND = new Map(DATA_TYPES);
const RANK = new Map(DATA_TYPES.map(([name], index) => [name, index]));

/** `stktable_get_data_type`: the type a `data.<name>` word names (server_name is an old alias). */
function dataType(name: string): string | undefined {
  if (name === 'server_name') return 'server_key';
  return KIND.has(name) ? name : undefined;
}

/** One printed value of an entry: a scalar type, or one element of an array type. */
interface Column {
  /** The data type (`gpc` for every element of `gpc(3)`). */
  type: string;
  kind: Kind;
  /** Where the value is kept in {@link TableEntry.data}. */
  slot: string;
  /** How `show table` names it (`gpc1_rate(10000)`). */
  label: string;
}

function periodMs(text: string): number {
  const match = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return 0;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'];
  return Math.floor(Number(match[1]) * (factor ?? 1));
}

/** The columns of a table, in 2.6's print order; arrays expand into their elements. */
function columnsOf(table: StickTableState): Column[] {
  const columns: Column[] = [];
  for (const store of table.store) {
    const match = /^(\w+)(?:\((.*)\))?$/.exec(store.trim());
    if (!match) continue;
    const type = dataType(match[1]!);
    if (!type) continue;
    const kind = KIND.get(type)!;
    const params = (match[2] ?? '').split(',');
    if (type === 'gpc' || type === 'gpt') {
      const count = Number.parseInt(params[0] ?? '0', 10) || 0;
      for (let n = 0; n < count; n++) columns.push({ type, kind, slot: `${type}${n}`, label: `${type}${n}` });
    } else if (type === 'gpc_rate') {
      const count = Number.parseInt(params[0] ?? '0', 10) || 0;
      const period = periodMs(params[1] ?? '0');
      for (let n = 0; n < count; n++)
        columns.push({ type, kind, slot: `gpc${n}_rate`, label: `gpc${n}_rate(${period})` });
    } else if (kind === 'frqp') {
      columns.push({ type, kind, slot: type, label: `${type}(${periodMs(params[0] ?? '0')})` });
    } else {
      columns.push({ type, kind, slot: type, label: type });
    }
  }
  return columns.sort((a, b) => RANK.get(a.type)! - RANK.get(b.type)!);
}

/** The column a `data.<type>` word reaches (an array's first element), if the table stores it. */
function columnOf(table: StickTableState, type: string): Column | undefined {
  return columnsOf(table).find((column) => column.type === type);
}

/** `strl2llrc`: decimal, only `-` as a sign (`-` alone is 0), within a signed 64-bit integer. */
function parseLongLong(text: string | undefined): bigint | undefined {
  if (!text) return undefined;
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (!/^\d*$/.test(digits)) return undefined;
  const magnitude = digits ? BigInt(digits) : 0n;
  const value = negative ? -magnitude : magnitude;
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return undefined;
  return value;
}

/** The value as the C type keeps it (`unsigned int`, `int`, `unsigned long long`). */
function stored(kind: Kind, value: bigint): bigint {
  if (kind === 'sint') return BigInt.asIntN(32, value);
  if (kind === 'ull') return BigInt.asUintN(64, value);
  if (kind === 'dict') return 0n;
  return BigInt.asUintN(32, value);
}

/** The value a filter compares: a `long long` (a 64-bit counter above 2^63-1 reads negative). */
function compared(kind: Kind, value: bigint): bigint {
  return kind === 'ull' ? BigInt.asIntN(64, value) : value;
}

/** `inetaddr_host`: digits up to the first other character, the last 3 digits of each byte, carries kept. */
function ipv4Key(text: string): string {
  let value = 0n;
  let shift = 24n;
  let start = 0;
  for (let p = 0; ; p++) {
    if (p < text.length && text[p]! >= '0' && text[p]! <= '9') continue;
    const digits = text.slice(Math.max(start, p - 3), p);
    value += BigInt(digits ? Number(digits) : 0) << shift;
    if (shift === 0n || text[p] !== '.') break;
    shift -= 8n;
    start = p + 1;
  }
  const host = Number(BigInt.asUintN(32, value));
  return [host >>> 24, (host >>> 16) & 255, (host >>> 8) & 255, host & 255].join('.');
}

/** glibc `inet_pton(AF_INET6)`: 16 bytes, or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const ipv4 = (part: string): number[] | undefined => {
    const bytes = part.split('.');
    if (bytes.length !== 4) return undefined;
    const out: number[] = [];
    for (const byte of bytes) {
      if (!/^\d{1,3}$/.test(byte) || (byte.length > 1 && byte[0] === '0') || Number(byte) > 255)
        return undefined;
      out.push(Number(byte));
    }
    return out;
  };
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const words = part.split(':');
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (i === words.length - 1 && word.includes('.')) {
        const bytes = ipv4(word);
        if (!bytes) return undefined;
        out.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(word)) out.push(Number.parseInt(word, 16));
      else return undefined;
    }
    return out;
  };
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array<number>(missing).fill(0), ...tail];
  return words.flatMap((word) => [word >> 8, word & 255]);
}

/** glibc `inet_ntop(AF_INET6)`: the first longest run (2+) of zero words as `::`, IPv4 tail when mapped/compatible. */
function formatIpv6(bytes: number[]): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  words.forEach((word, i) => {
    if (word === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = cur;
    } else cur = { base: -1, len: 0 };
  });
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += bytes.slice(12).join('.');
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** `strtoul(…, 10)` then the 0..4294967295 check of an integer table; undefined means `Invalid key`. */
function integerKey(text: string): string | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text);
  if (!match) return undefined;
  const magnitude = BigInt(match[2]!);
  if (magnitude > 0xffffffffffffffffn) return undefined;
  const value = match[1] === '-' ? BigInt.asUintN(64, -magnitude) : magnitude;
  return value > 0xffffffffn ? undefined : value.toString();
}

/** The longest string key: `len`, or 31 bytes plus the terminating NUL of the default 32. */
function stringKeyLength(table: StickTableState): number {
  return table.keyLen ?? 31;
}

const KEY_VERBS = { show: 'Showing keys from', clear: 'Removing keys from', set: 'Inserting keys into' };

/** A CLI key as the table stores it, or the refusal. */
function tableKey(table: StickTableState, text: string, action: keyof typeof KEY_VERBS): string | Reply {
  switch (table.type) {
    case 'ip':
      return ipv4Key(text);
    case 'ipv6': {
      const bytes = parseIpv6(text);
      return bytes ? formatIpv6(bytes) : err('Invalid key');
    }
    case 'integer':
      return integerKey(text) ?? err('Invalid key');
    case 'string':
      return Buffer.from(text, 'utf8').subarray(0, stringKeyLength(table)).toString('latin1');
    default:
      return err(
        `${KEY_VERBS[action]} tables of type other than ip, ipv6, string and integer is not supported`,
      );
  }
}

/** The sort order of HAProxy's key trees: numeric for ip and integer, bytes for ipv6 and strings. */
function keyOrder(table: StickTableState): (a: TableEntry, b: TableEntry) => number {
  const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  switch (table.type) {
    case 'ip': {
      const host = (key: string) => key.split('.').reduce((sum, byte) => sum * 256 + Number(byte), 0);
      return (a, b) => host(a.key) - host(b.key);
    }
    case 'integer':
      return (a, b) => Number(a.key) - Number(b.key);
    case 'ipv6': {
      const hex = (key: string) =>
        (parseIpv6(key) ?? []).map((byte) => byte.toString(16).padStart(2, '0')).join('');
      return (a, b) => byString(hex(a.key), hex(b.key));
    }
    default:
      return (a, b) => byString(a.key, b.key);
  }
}

/** `dump_text`: printable ASCII kept, space, `=`, `\` and control characters escaped, other bytes `\xHH`. */
function dumpText(bytes: string): string {
  const named: Record<string, string> = {
    '\t': 't',
    '\n': 'n',
    '\r': 'r',
    '\x1b': 'e',
    '\\': '\\',
    ' ': ' ',
    '=': '=',
  };
  let out = '';
  for (const char of bytes) {
    const code = char.charCodeAt(0);
    if (named[char] !== undefined) out += `\\${named[char]}`;
    else if (code > 0x20 && code < 0x7f) out += char;
    else out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function entryLine(
  context: CommandContext,
  table: StickTableState,
  entry: TableEntry,
  index: number,
): string {
  const data = columnsOf(table).map(
    (column) => `${column.label}=${column.kind === 'dict' ? '-' : (entry.data[column.slot] ?? 0n)}`,
  );
  const pointer = (0x55d0c0c00000 + index * 0x80).toString(16);
  const exp = Math.max(0, entry.expire - context.now);
  const key = table.type === 'string' ? dumpText(entry.key) : entry.key;
  return `0x${pointer}: key=${key} use=0 exp=${exp} ${data.join(' ')}`.trimEnd();
}

const MAX_FILTERS = 4;
const OPERATORS = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'];

/** `table_prepare_data_request`: up to 4 `data.<type> <op> <value>` filters, checked in 2.6's order. */
function dataFilter(args: string[], table: StickTableState): ((entry: TableEntry) => boolean) | Reply {
  const tests: ((entry: TableEntry) => boolean)[] = [];
  let i = 0;
  for (; i < MAX_FILTERS; i++) {
    const word = args[3 + 3 * i] ?? '';
    if (i > 0 && !word) break;
    // 2.6 checks the `data.` prefix of the first filter only, and skips 5 characters of the others.
    const type = dataType(word.slice(5));
    if (!type) return err(`Filter entry #${i + 1}: Unknown data type`);
    const column = columnOf(table, type);
    if (!column) return err(`Filter entry #${i + 1}: Data type not stored in this table`);
    const op = args[4 + 3 * i] ?? '';
    if (!OPERATORS.includes(op))
      return err(`Filter entry #${i + 1}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"`);
    const value = parseLongLong(args[5 + 3 * i]);
    if (value === undefined)
      return err(`Filter entry #${i + 1}: Require a valid integer value to compare against`);
    tests.push((entry) => {
      const data = compared(column.kind, entry.data[column.slot] ?? 0n);
      return {
        eq: data === value,
        ne: data !== value,
        le: data <= value,
        ge: data >= value,
        lt: data < value,
        gt: data > value,
      }[op]!;
    });
  }
  if (args[3 + 3 * i])
    return err(`Detected extra data in filter, ${3 + 3 * i + 1}th word of input, after '${args[2 + 3 * i]}'`);
  return (entry) => tests.every((test) => test(entry));
}

const ARGUMENTS_HELP = {
  show: 'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>',
  clear: 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>',
  set: 'Required arguments: <table> key <key> [data.<store_data_type> <value>]*',
};

/** What `cli_parse_table_req` makes of `<verb> table <name> [key <k> | data… ]`. */
type TableRequest =
  | { kind: 'all'; table: StickTableState; filter?: (entry: TableEntry) => boolean }
  | { kind: 'key'; table: StickTableState; key: string };

function tableRequest(context: CommandContext, action: keyof typeof KEY_VERBS): TableRequest | Reply {
  const args = context.args;
  if (!args[2]) return err(ARGUMENTS_HELP[action]);
  const table = tableOf(context, args[2]);
  if (!table) return err('No such table');
  const what = args[3] ?? '';
  if (what === 'key') {
    if (!args[4]) return err('Key value expected');
    const key = tableKey(table, args[4], action);
    if (typeof key !== 'string') return key;
    return { kind: 'key', table, key };
  }
  if (what.startsWith('data.')) {
    if (action === 'set')
      return err('content-based lookup is only supported with the "show" and "clear" actions');
    const filter = dataFilter(args, table);
    if ('text' in filter) return filter;
    return { kind: 'all', table, filter };
  }
  if (what) return err(ARGUMENTS_HELP[action]);
  return { kind: 'all', table };
}

function clearEntries(table: StickTableState, which: (entry: TableEntry) => boolean): Reply {
  table.entries = table.entries.filter((entry) => !which(entry));
  return OK;
}

/** `set table <t> key <k> [data.<type> <value>]*`: the entry exists before the data is checked. */
function setEntry(context: CommandContext, table: StickTableState, key: string): Reply {
  let entry = table.entries.find((candidate) => candidate.key === key);
  if (!entry) {
    entry = { key, data: {}, expire: 0 };
    for (const column of columnsOf(table)) entry.data[column.slot] = 0n;
    table.entries.unshift(entry);
  }
  entry.expire = context.now + table.expire;
  const args = context.args;
  for (let i = 5; args[i]; i += 2) {
    if (!args[i]!.startsWith('data.')) return err('"data.<type>" followed by a value expected');
    const type = dataType(args[i]!.slice(5));
    if (!type) return err('Unknown data type');
    const column = columnOf(table, type);
    if (!column) return err('Data type not stored in this table');
    const value = parseLongLong(args[i + 1]);
    if (value === undefined) return err('Require a valid integer value to store');
    // A server_key (dictionary entry) is not written by the CLI.
    if (column.kind !== 'dict') entry.data[column.slot] = stored(column.kind, value);
  }
  return OK;
}

/** Stick-table commands. */
export const TABLE_COMMANDS: BuiltinCommand[] = [
  {
    words: ['show', 'table'],
    level: 'user',
    handle(context) {
      if (!context.args[2]) {
        const tables = context.state.proxies
          .filter((proxy) => proxy.stickTable)
          .map((proxy) => proxy.stickTable!)
          .reverse();
        return { text: `${tables.map(header).join('')}\n` };
      }
      const request = tableRequest(context, 'show');
      if ('text' in request) return request;
      const { table } = request;
      if (request.kind === 'key') {
        if (context.session.level === 'user') return PERMISSION_DENIED;
        const entry = table.entries.find((candidate) => candidate.key === request.key);
        // 2.6 prints nothing at all, not even the header, for a `key` that is absent.
        if (!entry) return OK;
        return {
          text: `${header(table)}${entryLine(context, table, entry, table.entries.indexOf(entry))}\n\n`,
        };
      }
      if (context.session.level === 'user') {
        return { text: `${header(table)}# contents not dumped due to insufficient privileges\n\n` };
      }
      const entries = table.entries.filter(request.filter ?? (() => true)).sort(keyOrder(table));
      const lines = entries.map(
        (entry) => `${entryLine(context, table, entry, table.entries.indexOf(entry))}\n`,
      );
      return { text: `${header(table)}${lines.join('')}\n` };
    },
  },
  {
    words: ['set', 'table'],
    level: 'operator',
    handle(context) {
      const request = tableRequest(context, 'set');
      if ('text' in request) return request;
      // Without a key, 2.6.12's `set table <t>` runs the dump loop of `clear` and empties the table.
      if (request.kind === 'all') return clearEntries(request.table, () => true);
      return setEntry(context, request.table, request.key);
    },
  },
  {
    words: ['clear', 'table'],
    level: 'operator',
    handle(context) {
      const request = tableRequest(context, 'clear');
      if ('text' in request) return request;
      if (request.kind === 'key') return clearEntries(request.table, (entry) => entry.key === request.key);
      return clearEntries(request.table, request.filter ?? (() => true));
    },
  },
  // SSL and resolvers (registered with the tables: the runtime-API extras of issue #8).
  ...SSL_COMMANDS,
];
