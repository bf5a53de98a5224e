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
import {
  type FieldValue,
  type StickTable,
  type StickTableEntry,
  parseTable,
  serializeCommand,
} from '@haproxyadmin/protocol';
import type { CallOptions, Executor, ProcessRef } from '../core/types.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
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
  /** Exactly this key. */
  key?: string | number | undefined;
  /** Data filters (one or a list, at most 4: HAProxy's limit). */
  filter?: TableDataFilter | readonly TableDataFilter[] | undefined;
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

function dataType(value: unknown, argument: string): string {
  if (typeof value !== 'string' || !DATA_TYPE.test(value)) {
    throw new InvalidArgumentError(
      `${argument} must be a stick-table data type such as 'http_req_cnt' or 'gpc0' (without 'data.'), got ${JSON.stringify(value)}`,
      { argument, value },
    );
  }
  return value;
}

function dataValue(value: unknown, argument: string): string {
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new InvalidArgumentError(`${argument} must be a non-negative integer, got ${String(value)}`, {
    argument,
    value,
  });
}

function tableKey(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.length > 0) return value;
  throw new InvalidArgumentError(
    `key must be a non-empty string or an integer, got ${JSON.stringify(value)}`,
    {
      argument: 'key',
      value,
    },
  );
}

/** `key <k>` or `data.<t> <op> <v>…` arguments. */
function selectorArgs(selector: TableSelector | undefined): string[] {
  if (selector === undefined) return [];
  if (typeof selector !== 'object' || selector === null) {
    throw new InvalidArgumentError('the selector must be { key } or { filter }', {
      argument: 'selector',
      value: selector,
    });
  }
  const filters =
    selector.filter === undefined ? [] : Array.isArray(selector.filter) ? selector.filter : [selector.filter];
  if (selector.key !== undefined && filters.length > 0) {
    throw new InvalidArgumentError('pass either key or filter, not both (HAProxy takes one kind)', {
      argument: 'selector',
      value: selector,
    });
  }
  if (selector.key !== undefined) return ['key', tableKey(selector.key)];
  if (filters.length > 4) {
    throw new InvalidArgumentError(`at most 4 data filters, got ${filters.length}`, {
      argument: 'filter',
      value: selector.filter,
    });
  }
  return (filters as readonly TableDataFilter[]).flatMap((filter, index) => {
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
    return [
      `data.${dataType(filter.data, 'filter.data')}`,
      filter.op,
      dataValue(filter.value, 'filter.value'),
    ];
  });
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

/** `show table <name> [key <k> | data.<t> <op> <v>…]` on every current process, merged by key. */
export async function showTable(
  executor: Executor,
  name: string,
  selector?: TableSelector,
  options?: CallOptions,
): Promise<TableContents> {
  const line = serializeCommand('show table', validateName(name, 'table'), ...selectorArgs(selector));
  const dumps = await runParsed(executor, line, parseTable, callOptions(options)).catch((error: unknown) =>
    asNotFound(error, /^No such table/, 'table', name),
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
    const info =
      selector?.key !== undefined
        ? (await listTables(executor, options)).find((t) => t.name === name)
        : undefined;
    if (!info) throw new NotFoundError('table', name);
    return { ...info, entries: [], restricted: false };
  }
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...infoOf(name, tables),
    entries: keys.map((key) => mergeEntries(byKey.get(key)!)),
    restricted: tables.some(({ table }) => table.restricted),
  };
}

/**
 * `set table <t> key <k> data.<type> <v>…` on every current process (creates the entry if missing).
 * An empty `data` only creates (or refreshes) the entry.
 */
export async function setTableEntry(
  executor: Executor,
  name: string,
  key: string | number,
  data: Readonly<Record<string, number | bigint>> = {},
  options?: CallOptions,
): Promise<void> {
  validateName(name, 'table');
  const k = tableKey(key);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidArgumentError('data must be an object { type: value }', {
      argument: 'data',
      value: data,
    });
  }
  const args = Object.entries(data).flatMap(([type, value]) => [
    `data.${dataType(type, 'data type')}`,
    dataValue(value, `data.${type}`),
  ]);
  const line = serializeCommand('set table', name, 'key', k, ...args);
  await runParsed(executor, line, () => undefined, { ...callOptions(options), idempotent: true }).catch(
    (error: unknown) => asNotFound(error, /^No such table/, 'table', name),
  );
}

/**
 * `clear table <t> [key <k> | data.<t> <op> <v>…]` on every current process. Without a selector every
 * entry not in use is removed.
 */
export async function clearTable(
  executor: Executor,
  name: string,
  selector?: TableSelector,
  options?: CallOptions,
): Promise<void> {
  const line = serializeCommand('clear table', validateName(name, 'table'), ...selectorArgs(selector));
  await runParsed(executor, line, () => undefined, { ...callOptions(options), idempotent: true }).catch(
    (error: unknown) => asNotFound(error, /^No such table/, 'table', name),
  );
}
