/**
 * A third-party plugin written only against `@haproxyadmin/sdk/plugin`: stick tables.
 *
 * @example
 * const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [stickTablePlugin()] });
 * await hap.stickTable.set('st_users', 'alice', { gpc0: 1 });
 * for (const outcome of await hap.stickTable.show('st_users')) if (outcome.ok) console.log(outcome.value);
 */
import {
  CommandFailedError,
  defineCommand,
  definePlugin,
  expectEmptyReply,
  InconsistentDataError,
  InvalidArgumentError,
  ProtocolError,
  type ProcessValue,
  serializeCommand,
} from '@haproxyadmin/sdk/plugin';

/** One stick table, as `show table` lists it. */
export interface StickTable {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  /** Entries in use: summed over processes by `list()`. */
  readonly used: number;
}

/** One entry of `show table <name>`. */
export interface StickTableEntry {
  /** The entry's address in that process (`ptr` filters, 3.0+). */
  readonly ref: string;
  readonly key: string;
  readonly use: number;
  /** Milliseconds until expiry, `undefined` when the table has no expiry. */
  readonly expire: number | undefined;
  /** Stored data: `gpc0`, `http_req_cnt`, `http_req_rate(10000)`… */
  readonly data: Readonly<Record<string, number>>;
}

const HEADER = /^# table: (.+), type: (\S+), size:(\d+), used:(\d+)$/;

/** Parse the `# table: …` lines of `show table`. */
export function parseTableList(reply: string): StickTable[] {
  return reply
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = HEADER.exec(line);
      if (!match) throw new ProtocolError('unexpected `show table` line', { excerpt: line.slice(0, 120) });
      return { name: match[1]!, type: match[2]!, size: Number(match[3]), used: Number(match[4]) };
    });
}

const ENTRY = /^(0x[0-9a-f]+): key=((?:\\.|[^\\ ])*) use=(\d+) exp=(\d+)((?: [^ =]+=-?\d+)*)$/;
const CONTROL: Record<string, number> = { t: 9, n: 10, r: 13, e: 27 };

/**
 * HAProxy dumps string keys escaped: `\ `, `\=`, `\\`, `\t`, and `\xHH` for every byte outside
 * printable ASCII (so UTF-8 arrives byte by byte).
 */
export function unescapeKey(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char !== '\\' || index + 1 >= text.length) {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = text[++index]!;
    const hex = next === 'x' ? /^[0-9a-fA-F]{2}/.exec(text.slice(index + 1)) : null;
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      index += 2;
    } else bytes.push(CONTROL[next] ?? next.charCodeAt(0));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Parse the entries of `show table <name>` (the header line is skipped). */
export function parseTableEntries(reply: string): StickTableEntry[] {
  const entries: StickTableEntry[] = [];
  for (const line of reply.split('\n')) {
    if (line === '' || line.startsWith('# table:')) continue;
    if (line === 'No such table') throw new CommandFailedError('show table', line);
    const match = ENTRY.exec(line);
    if (!match) throw new ProtocolError('unexpected `show table` entry', { excerpt: line.slice(0, 120) });
    const data: Record<string, number> = {};
    for (const pair of match[5]!.trim().split(' ').filter(Boolean)) {
      const at = pair.lastIndexOf('=');
      data[pair.slice(0, at)] = Number(pair.slice(at + 1));
    }
    entries.push({
      ref: match[1]!,
      key: unescapeKey(match[2]!),
      use: Number(match[3]),
      expire: Number(match[4]),
      data,
    });
  }
  return entries;
}

/** Tables must be the same everywhere; `used` is summed. A custom merge policy. */
function sumUsed(values: ReadonlyArray<ProcessValue<StickTable[]>>): StickTable[] {
  const shape = (tables: StickTable[]) =>
    tables.map((table) => `${table.name}/${table.type}/${table.size}`).join();
  const first = values[0]!.value;
  if (values.some(({ value }) => shape(value) !== shape(first)))
    throw new InconsistentDataError('show table', values);
  return first.map((table, index) => ({
    ...table,
    used: values.reduce((sum, { value }) => sum + value[index]!.used, 0),
  }));
}

/** `show table`: every stick table, with `used` summed over the processes. */
export const listTables = /* @__PURE__ */ defineCommand({
  id: 'show table',
  serialize: () => 'show table',
  parse: (reply) => parseTableList(reply),
  merge: sumUsed,
  idempotent: true,
});

/**
 * `show table <name>`: each process's entries. Stick tables are per process (unless synced by
 * peers), so this returns one outcome per process, current and old workers included.
 */
export const showTable = /* @__PURE__ */ defineCommand({
  id: 'show table',
  serialize: (table: string) => serializeCommand('show table', table),
  parse: (reply) => parseTableEntries(reply),
  fanout: 'all',
  merge: 'per-process',
  idempotent: true,
});

const DATA_TYPE = /^[a-z][a-z0-9_]*$/;

/** `set table <name> key <key> data.<type> <value>…` on every current process (operator level). */
export const setTableEntry = /* @__PURE__ */ defineCommand({
  id: 'set table',
  serialize: (table: string, key: string, data: Readonly<Record<string, number>>) => {
    const pairs = Object.entries(data);
    if (pairs.length === 0)
      throw new InvalidArgumentError('set table needs at least one data value', { argument: 'data' });
    const words: Array<string | number> = [table, 'key', key];
    for (const [type, value] of pairs) {
      if (!DATA_TYPE.test(type))
        throw new InvalidArgumentError(`bad data type ${JSON.stringify(type)}`, { argument: 'data' });
      if (!Number.isSafeInteger(value))
        throw new InvalidArgumentError(`data.${type} must be an integer`, { argument: 'data' });
      words.push(`data.${type}`, value);
    }
    return serializeCommand('set table', ...words);
  },
  parse: (reply, _args, { line }) => expectEmptyReply(reply, line),
  idempotent: true,
});

/** `clear table <name> [key <key>]`: drop one entry, or every unused entry, on every current process. */
export const clearTable = /* @__PURE__ */ defineCommand({
  id: 'clear table',
  serialize: (table: string, key?: string) =>
    key === undefined
      ? serializeCommand('clear table', table)
      : serializeCommand('clear table', table, 'key', key),
  parse: (reply, _args, { line }) => expectEmptyReply(reply, line),
});

/** The plugin: `hap.stickTable.list()`, `.show(name)`, `.set(name, key, data)`, `.clear(name, key?)`. */
export function stickTablePlugin() {
  return definePlugin({
    name: 'stickTable',
    apiVersion: 1,
    commands: { list: listTables, show: showTable, set: setTableEntry, clear: clearTable },
  });
}
