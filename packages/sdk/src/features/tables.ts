/**
 * Stick tables: `show table`, `show table <t> [filter]`, `set table`, `clear table`, across processes.
 *
 * Every process has its own copy of a table (unless `peers` synchronise them), so entries are
 * reported per process and merged by key:
 * - counters and gauges (`*_cnt`, `*_rate(…)`, `conn_cur`, `gpc*`, `bytes_*`) are **summed** — the
 *   traffic of the processes is disjoint;
 * - tags (`server_id`, `server_key`, `gpt*`) are kept when every process agrees, `null` otherwise;
 * - `use` is summed, `expire` is the largest (the entry lives until the last process expires it).
 * Table sizes (`size`) are per process; `used` is summed and also reported per process.
 */
import { isIPv6 } from 'node:net';
import {
  type FieldValue,
  type StickTable,
  type StickTableEntry,
  parseTable,
  serializeCommand,
} from '@haproxyadmin/protocol';
import { settle } from '../core/settle.js';
import type { CallOptions, Executor, ProcessRef } from '../core/types.js';
import { HAProxyError, InvalidArgumentError, NotFoundError, UnsupportedError } from '../errors.js';
import { validateName } from '../model/validate.js';
import { asNotFound, callOptions, runParsed } from './run.js';

/** Comparison operators of `show table` / `clear table` filters. */
export type TableFilterOperator = 'eq' | 'ne' | 'le' | 'ge' | 'lt' | 'gt';

/** `data.<type> <op> <value>`: e.g. `{ data: 'http_req_cnt', op: 'gt', value: 10 }`. */
export interface TableDataFilter {
  /** A stored data type (`http_req_cnt`, `gpc0`, `conn_cur`, …), without `data.`. */
  readonly data: string;
  readonly op: TableFilterOperator;
  readonly value: number | bigint;
}

/** How to select entries: by key, or by up to 4 data filters (all must match). */
export interface TableSelector {
  /** Exactly this key, checked against the table's key type before anything is sent. */
  key?: string | number | undefined;
  /** Data filters (one or a list, at most 4: HAProxy's limit). */
  filter?: TableDataFilter | readonly TableDataFilter[] | undefined;
  /**
   * Where `filter` is applied (only `table()`; `clearTable()` accepts `'process'` only):
   * - `'process'` (default): by HAProxy, on each process's own copy of an entry — an entry whose
   *   merged (summed) value matches may match on no process;
   * - `'merged'`: by the SDK, on the merged entries (counters summed over the processes). The whole
   *   table is read (`show table <name>`), then filtered.
   */
  filterOn?: 'process' | 'merged' | undefined;
}

/** One table as `show table` lists it, across processes. */
export interface TableInfo {
  readonly name: string;
  /** Key type: `ip`, `ipv6`, `integer`, `string`, `binary`. */
  readonly type: string;
  /** Capacity per process. */
  readonly size: number;
  /** Entries in use, summed over the processes. */
  readonly used: number;
  readonly perProcess: ReadonlyArray<{ process: ProcessRef; size: number; used: number }>;
}

/** One process's copy of an entry. */
export interface ProcessTableEntry extends StickTableEntry {
  readonly process: ProcessRef;
}

/** One key of a table, merged over the processes that hold it. */
export interface TableEntry {
  readonly key: string;
  /** `use=` summed. */
  readonly use: number;
  /** The largest `exp=` (ms), `undefined` if the table has no expiry. */
  readonly expire: number | undefined;
  /** Data merged: counters and rates summed, tags kept when processes agree (`null` otherwise). */
  readonly data: Readonly<Record<string, FieldValue | null>>;
  /** Each process's copy (pointer, data) of the entry. */
  readonly perProcess: readonly ProcessTableEntry[];
}

/** `show table <name>` across processes. */
export interface TableContents extends TableInfo {
  /** Entries merged by key, sorted by key. */
  readonly entries: readonly TableEntry[];
  /** True when a process refused to dump the contents at this socket level (user level). */
  readonly restricted: boolean;
}

const OPERATORS: readonly string[] = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'];
const DATA_TYPE = /^[a-z][a-z0-9_]*$/;
const TAGS = /^(?:server_id|server_key|server_name|gpt\d*)(?:\(|$)/;

const LINE_BREAK = /[\r\n\0]/;
const U32_MAX = 4_294_967_295n;
const I32_MIN = -2_147_483_648n;
const I32_MAX = 2_147_483_647n;
/** `set table` and filters read values as a signed 64-bit integer (`strl2llrc`). */
const I64_MAX = 9_223_372_036_854_775_807n;

/**
 * How `set table` stores a value, by data type (measured on HAProxy 2.6.12, where a value out of
 * range is stored wrapped: `data.gpc0 99999999999999` keeps 276447231). Every other data type —
 * counters, gauges, rates, `gpt0`/`gpc0`/`gpc1`, the `gpt`/`gpc`/`gpc_rate` arrays (whose `data.gpc`
 * is element 0) and types of later versions — is an unsigned 32-bit integer.
 */
const DATA_KINDS: Readonly<Record<string, 'int32' | 'uint64' | 'server'>> = {
  server_id: 'int32',
  bytes_in_cnt: 'uint64',
  bytes_out_cnt: 'uint64',
  // A server name (dictionary entry): 2.6 accepts `set table … data.server_key <n>` and ignores it.
  server_key: 'server',
  server_name: 'server',
};

function dataType(value: unknown, argument: string): string {
  if (typeof value !== 'string' || !DATA_TYPE.test(value)) {
    throw new InvalidArgumentError(
      `${argument} must be a stick-table data type such as 'http_req_cnt' or 'gpc0' (without 'data.'), got ${JSON.stringify(value)}`,
      { argument, value },
    );
  }
  return value;
}

function integer(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/** A filter value: a non-negative integer HAProxy can read (≤ 2^63-1). */
function dataValue(value: unknown, argument: string): string {
  const number = integer(value);
  if (number === undefined || number < 0n || number > I64_MAX) {
    throw new InvalidArgumentError(
      `${argument} must be a non-negative integer up to 2^63-1, got ${String(value)}`,
      { argument, value },
    );
  }
  return number.toString();
}

/** A value to store with `set table`: within the range the data type holds (see {@link DATA_KINDS}). */
function storedValue(type: string, value: unknown): string {
  const argument = `data.${type}`;
  const kind = DATA_KINDS[type];
  if (kind === 'server') {
    throw new InvalidArgumentError(
      `${argument} holds a server name: HAProxy ignores a value set through the runtime API`,
      { argument, value },
    );
  }
  const [min, max, what] =
    kind === 'int32'
      ? [I32_MIN, I32_MAX, 'a signed 32-bit integer (-2147483648 to 2147483647)']
      : kind === 'uint64'
        ? [0n, I64_MAX, 'an integer from 0 to 2^63-1']
        : [0n, U32_MAX, 'an unsigned 32-bit integer (0 to 4294967295)'];
  const number = integer(value);
  if (number === undefined || number < min || number > max) {
    throw new InvalidArgumentError(
      `${argument} must be ${what}: HAProxy would store a larger value wrapped, got ${String(value)}`,
      { argument, value },
    );
  }
  return number.toString();
}

/** A key's shape, before the table's type is known: a non-empty string without CR/LF/NUL, or an integer. */
function tableKey(value: unknown): string | number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.length > 0 && !LINE_BREAK.test(value)) return value;
  throw new InvalidArgumentError(
    `key must be a non-empty string without CR, LF or NUL, or an integer, got ${JSON.stringify(value)}`,
    { argument: 'key', value },
  );
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const DECIMAL = /^(?:0|[1-9]\d*)$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * The key as it must be written for a table of `type`. HAProxy 2.6 parses keys leniently and
 * silently stores something else: `not an ip` → `0.0.0.0`, `10.1.1.4;x` → `10.1.1.4`, `256.1.1.1` →
 * `0.1.1.1`, integer `12abc` → `12`. Only the canonical form is accepted here.
 */
function keyFor(type: string, key: string | number): string {
  const refuse = (what: string): never => {
    throw new InvalidArgumentError(`key must be ${what} (table type ${type}), got ${JSON.stringify(key)}`, {
      argument: 'key',
      value: key,
    });
  };
  const text = String(key);
  switch (type) {
    case 'ip':
      if (typeof key !== 'string' || !IPV4.test(key)) refuse('an IPv4 address in dotted-quad form');
      break;
    case 'ipv6':
      // inet_pton(AF_INET6): no zone (`%eth0`), no brackets; `::ffff:1.2.3.4` is accepted.
      if (typeof key !== 'string' || !isIPv6(key) || key.includes('%')) refuse('an IPv6 address');
      break;
    case 'integer':
      if (!DECIMAL.test(text) || BigInt(text) > U32_MAX) refuse('an integer from 0 to 4294967295');
      break;
    case 'binary':
      if (typeof key !== 'string' || !HEX.test(key)) refuse('hexadecimal bytes');
      break;
    default:
  }
  return text;
}

interface Selection {
  readonly key: string | number | undefined;
  readonly filters: readonly TableDataFilter[];
  readonly merged: boolean;
}

/** Check a selector's shape: `{ key }`, or `{ filter, filterOn }`. */
function selection(selector: TableSelector | undefined): Selection {
  if (selector === undefined) return { key: undefined, filters: [], merged: false };
  if (typeof selector !== 'object' || selector === null) {
    throw new InvalidArgumentError('the selector must be { key } or { filter }', {
      argument: 'selector',
      value: selector,
    });
  }
  const filters = (
    selector.filter === undefined ? [] : Array.isArray(selector.filter) ? selector.filter : [selector.filter]
  ) as readonly TableDataFilter[];
  if (selector.key !== undefined && filters.length > 0) {
    throw new InvalidArgumentError('pass either key or filter, not both (HAProxy takes one kind)', {
      argument: 'selector',
      value: selector,
    });
  }
  if (selector.filterOn !== undefined && selector.filterOn !== 'process' && selector.filterOn !== 'merged') {
    throw new InvalidArgumentError(`filterOn must be 'process' or 'merged'`, {
      argument: 'filterOn',
      value: selector.filterOn,
    });
  }
  if (filters.length > 4) {
    throw new InvalidArgumentError(`at most 4 data filters, got ${filters.length}`, {
      argument: 'filter',
      value: selector.filter,
    });
  }
  filters.forEach((filter, index) => {
    if (typeof filter !== 'object' || filter === null) {
      throw new InvalidArgumentError(`filter #${index + 1} must be { data, op, value }`, {
        argument: 'filter',
        value: filter,
      });
    }
    if (!OPERATORS.includes(filter.op as string)) {
      throw new InvalidArgumentError(`filter #${index + 1}: op must be one of ${OPERATORS.join(', ')}`, {
        argument: 'filter.op',
        value: filter.op,
      });
    }
    dataType(filter.data, 'filter.data');
    dataValue(filter.value, 'filter.value');
  });
  return {
    key: selector.key === undefined ? undefined : tableKey(selector.key),
    filters,
    merged: selector.filterOn === 'merged' && filters.length > 0,
  };
}

/** `data.<t> <op> <v>…` arguments. */
function filterArgs(filters: readonly TableDataFilter[]): string[] {
  return filters.flatMap((filter) => [
    `data.${filter.data}`,
    filter.op,
    dataValue(filter.value, 'filter.value'),
  ]);
}

/** HAProxy's reply text of a refused command, if that is what `error` is. */
function replyOf(error: unknown): string | undefined {
  if (!HAProxyError.isInstance(error) || error.code !== 'HAPROXY_ERR_COMMAND') return undefined;
  return String((error as HAProxyError & { response?: unknown }).response ?? '');
}

const REFUSED_TYPE = /^Filter entry #(\d+): (Unknown data type|Data type not stored in this table)/;

/** A filter's data type refused by HAProxy (nothing was read or removed) → {@link InvalidArgumentError}. */
function asRefusedFilter(error: unknown, table: string, names: readonly string[]): never {
  const match = REFUSED_TYPE.exec(replyOf(error) ?? '');
  if (match) {
    const name = names[Number(match[1]) - 1];
    throw new InvalidArgumentError(
      `data type ${JSON.stringify(name)} of table ${table}: ${match[2]} (HAProxy: ${match[0]})`,
      { argument: 'filter.data', value: name, cause: error },
    );
  }
  throw error;
}

/** The table's header(s) on every current process (`show table`): its types, its info. */
async function tableHeader(
  executor: Executor,
  name: string,
  options: CallOptions | undefined,
): Promise<{ info: TableInfo; types: string[] }> {
  const dumps = await runParsed(executor, 'show table', parseTable, callOptions(options));
  const tables = dumps.flatMap(({ process, value }) =>
    value.filter((table) => table.name === name).map((table) => ({ process, table })),
  );
  if (tables.length === 0) throw new NotFoundError('table', name);
  return { info: infoOf(name, tables), types: [...new Set(tables.map(({ table }) => table.type))] };
}

/** The key checked against the type of the table on every process (they agree unless a reload changed it). */
function checkedKey(types: readonly string[], key: string | number): string {
  let text = '';
  for (const type of types) text = keyFor(type, key);
  return text;
}

/**
 * Ask HAProxy whether the table stores these data types, with a read-only filter that matches
 * nothing (`show table <t> data.<a> lt 0 …`, 4 per line): `set table` creates the entry *before* it
 * checks its data types, so a refused `set table` would leave a new entry behind.
 */
async function checkStored(
  executor: Executor,
  name: string,
  types: readonly string[],
  options: CallOptions | undefined,
): Promise<void> {
  for (let start = 0; start < types.length; start += 4) {
    const chunk = types.slice(start, start + 4);
    const line = serializeCommand(
      'show table',
      name,
      ...chunk.flatMap((type) => [`data.${type}`, 'lt', '0']),
    );
    const outcomes = await executor.run(line, {
      targets: 'current',
      idempotent: true,
      ...callOptions(options),
    });
    for (const outcome of outcomes) {
      const match = outcome.ok ? null : REFUSED_TYPE.exec(replyOf(outcome.error) ?? '');
      if (match) {
        const type = chunk[Number(match[1]) - 1];
        // "Unknown data type" (none such in this HAProxy) is not stored either: one wording for both.
        throw new InvalidArgumentError(
          `data.${type} cannot be set: Data type not stored in this table ${name} (HAProxy: ${match[0]}); nothing was changed`,
          { argument: 'data', value: type },
        );
      }
    }
    try {
      settle(line, outcomes);
    } catch (error) {
      asNotFound(error, /^No such table/, 'table', name);
    }
  }
}

function add(a: FieldValue | null, b: FieldValue): FieldValue | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    return Number.isSafeInteger(sum) ? sum : BigInt(a) + BigInt(b);
  }
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return BigInt(a) + BigInt(b);
  }
  return a === b ? a : null;
}

function mergeEntries(copies: ProcessTableEntry[]): TableEntry {
  const data: Record<string, FieldValue | null> = {};
  for (const copy of copies) {
    for (const [name, value] of Object.entries(copy.data)) {
      if (!(name in data)) data[name] = value;
      else
        data[name] = TAGS.test(name) ? (data[name] === value ? value : null) : add(data[name] ?? null, value);
    }
  }
  const expires = copies.map((copy) => copy.expire).filter((value): value is number => value !== undefined);
  return {
    key: copies[0]!.key,
    use: copies.reduce((sum, copy) => sum + copy.use, 0),
    expire: expires.length ? Math.max(...expires) : undefined,
    data,
    perProcess: copies,
  };
}

function infoOf(name: string, tables: Array<{ process: ProcessRef; table: StickTable }>): TableInfo {
  return {
    name,
    type: tables[0]!.table.type,
    size: tables[0]!.table.size,
    used: tables.reduce((sum, { table }) => sum + table.used, 0),
    perProcess: tables.map(({ process, table }) => ({ process, size: table.size, used: table.used })),
  };
}

/** `show table` on every current process: each table once, `used` summed. */
export async function listTables(executor: Executor, options?: CallOptions): Promise<TableInfo[]> {
  const dumps = await runParsed(executor, 'show table', parseTable, callOptions(options));
  const byName = new Map<string, Array<{ process: ProcessRef; table: StickTable }>>();
  for (const { process, value } of dumps) {
    for (const table of value) {
      let list = byName.get(table.name);
      if (!list) byName.set(table.name, (list = []));
      list.push({ process, table });
    }
  }
  return [...byName].map(([name, tables]) => infoOf(name, tables));
}

/** The entry's value for a filter's data type: `http_req_rate` is `http_req_rate(<period>)`, `gpc` is `gpc0`. */
function fieldOf(
  data: Readonly<Record<string, FieldValue | null>>,
  type: string,
): FieldValue | null | undefined {
  const names = [type, `${type}0`, type.replace(/_rate$/, '0_rate')];
  for (const name of names) {
    if (name in data) return data[name];
    const rate = Object.keys(data).find((field) => field.startsWith(`${name}(`));
    if (rate !== undefined) return data[rate];
  }
  return undefined;
}

function matches(entry: TableEntry, filter: TableDataFilter): boolean {
  const value = fieldOf(entry.data, filter.data);
  if (typeof value !== 'number' && typeof value !== 'bigint') return false;
  const [a, b] = [BigInt(value), BigInt(filter.value)];
  switch (filter.op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'le':
      return a <= b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a > b;
  }
}

/**
 * `show table <name> [key <k> | data.<t> <op> <v>…]` on every current process, merged by key.
 * A key is checked against the table's type first (`show table`); with `filterOn: 'merged'` the whole
 * table is read and the filters apply to the merged entries.
 */
export async function showTable(
  executor: Executor,
  name: string,
  selector?: TableSelector,
  options?: CallOptions,
): Promise<TableContents> {
  validateName(name, 'table');
  const selected = selection(selector);
  let args: string[] = filterArgs(selected.filters);
  let header: { info: TableInfo; types: string[] } | undefined;
  if (selected.key !== undefined) {
    header = await tableHeader(executor, name, options);
    args = ['key', checkedKey(header.types, selected.key)];
  } else if (selected.merged) {
    await checkStored(
      executor,
      name,
      selected.filters.map((filter) => filter.data),
      options,
    );
    args = [];
  }
  const line = serializeCommand('show table', name, ...args);
  const dumps = await runParsed(executor, line, parseTable, callOptions(options)).catch((error: unknown) =>
    asRefusedFilter(
      asNotFoundOr(error, name),
      name,
      selected.filters.map((filter) => filter.data),
    ),
  );
  const tables: Array<{ process: ProcessRef; table: StickTable }> = [];
  const byKey = new Map<string, ProcessTableEntry[]>();
  for (const { process, value } of dumps) {
    const table = value.find((candidate) => candidate.name === name);
    if (!table) continue;
    tables.push({ process, table });
    for (const entry of table.entries) {
      let copies = byKey.get(entry.key);
      if (!copies) byKey.set(entry.key, (copies = []));
      copies.push({ ...entry, process });
    }
  }
  if (tables.length === 0) {
    // `show table <t> key <k>` answers nothing at all (not even the header) when the key is absent.
    if (!header) throw new NotFoundError('table', name);
    return { ...header.info, entries: [], restricted: false };
  }
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let entries = keys.map((key) => mergeEntries(byKey.get(key)!));
  if (selected.merged) entries = entries.filter((entry) => selected.filters.every((f) => matches(entry, f)));
  return {
    ...infoOf(name, tables),
    entries,
    restricted: tables.some(({ table }) => table.restricted),
  };
}

const UNSUPPORTED_KEY = /of type other than ip, ipv6, string and integer is not supported/;

/**
 * `No such table` → {@link NotFoundError}; a key of a `binary` table (2.6 refuses them for `show`,
 * `set` and `clear`, changing nothing) → {@link UnsupportedError}; any other error is returned.
 */
function asNotFoundOr(error: unknown, name: string): unknown {
  const reply = replyOf(error);
  if (reply !== undefined && UNSUPPORTED_KEY.test(reply)) {
    return new UnsupportedError(`table ${name}: ${reply.trim()}`, { cause: error });
  }
  try {
    asNotFound(error, /^No such table/, 'table', name);
  } catch (mapped) {
    return mapped;
  }
}

/**
 * `set table <t> key <k> data.<type> <v>…` on every current process (creates the entry if missing).
 * An empty `data` only creates (or refreshes) the entry.
 *
 * Everything is checked before the `set table` is sent, because HAProxy 2.6 creates the entry before
 * it reads the data arguments (a refused `data.nosuch` still leaves the entry) and stores what it
 * does not understand: the key against the table's type (`show table`), each data type against what
 * the table stores (a read-only `show table <t> data.<type> lt 0`), each value against its range.
 * @throws {InvalidArgumentError} with nothing changed on any process.
 */
export async function setTableEntry(
  executor: Executor,
  name: string,
  key: string | number,
  data: Readonly<Record<string, number | bigint>> = {},
  options?: CallOptions,
): Promise<void> {
  validateName(name, 'table');
  const rawKey = tableKey(key);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidArgumentError('data must be an object { type: value }', {
      argument: 'data',
      value: data,
    });
  }
  const values = Object.entries(data).map(
    ([type, value]) => [dataType(type, 'data type'), storedValue(type, value)] as const,
  );
  const { types } = await tableHeader(executor, name, options);
  const k = checkedKey(types, rawKey);
  if (values.length > 0) {
    await checkStored(
      executor,
      name,
      values.map(([type]) => type),
      options,
    );
  }
  const args = values.flatMap(([type, value]) => [`data.${type}`, value]);
  const line = serializeCommand('set table', name, 'key', k, ...args);
  await runParsed(executor, line, () => undefined, { ...callOptions(options), idempotent: true }).catch(
    (error: unknown) => {
      throw asNotFoundOr(error, name);
    },
  );
}

/**
 * `clear table <t> [key <k> | data.<t> <op> <v>…]` on every current process. Without a selector every
 * entry not in use is removed. A key is checked against the table's type first (HAProxy 2.6 would
 * clear `0.0.0.0` for `not an ip`). An absent key is not an error: HAProxy answers nothing either way,
 * and afterwards the key is absent, which is what was asked.
 */
export async function clearTable(
  executor: Executor,
  name: string,
  selector?: TableSelector,
  options?: CallOptions,
): Promise<void> {
  validateName(name, 'table');
  const selected = selection(selector);
  if (selected.merged) {
    throw new InvalidArgumentError(
      "clearTable filters apply per process (filterOn: 'process'); to clear by merged values, read them with table(name, { filter, filterOn: 'merged' }) and clear each key",
      { argument: 'filterOn', value: 'merged' },
    );
  }
  let args = filterArgs(selected.filters);
  if (selected.key !== undefined) {
    const { types } = await tableHeader(executor, name, options);
    args = ['key', checkedKey(types, selected.key)];
  }
  const line = serializeCommand('clear table', name, ...args);
  await runParsed(executor, line, () => undefined, { ...callOptions(options), idempotent: true }).catch(
    (error: unknown) =>
      asRefusedFilter(
        asNotFoundOr(error, name),
        name,
        selected.filters.map((filter) => filter.data),
      ),
  );
}
