import { ProtocolError } from './errors.js';
import type { FieldValue } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';

/** One entry of a stick table. */
export interface StickTableEntry {
  /** The entry's pointer (`0x…`). */
  readonly ref: string;
  /** The key, unescaped (`user\ with\ space` is printed for `user with space`). */
  readonly key: string;
  /** `use=`: streams currently using the entry. */
  readonly use: number;
  /** `exp=`: milliseconds before the entry expires; `undefined` if the table has no expiry. */
  readonly expire: number | undefined;
  /** Stored data by HAProxy's names (`conn_cur`, `gpc0`, `http_req_rate(10000)`…), typed. */
  readonly data: Readonly<Record<string, FieldValue>>;
}

/** One stick table of `show table`. */
export interface StickTable {
  readonly name: string;
  /** Key type: `ip`, `ipv6`, `integer`, `string`, `binary`. */
  readonly type: string;
  readonly size: number;
  readonly used: number;
  /** Entries (only when a table name was given). */
  readonly entries: StickTableEntry[];
  /** True when HAProxy refused to dump the contents at this socket level (user level). */
  readonly restricted: boolean;
}

const HEADER = /^# table: (.+?), type: (\S+), size:(\d+), used:(\d+)$/;
const ENTRY = /^(0x[0-9a-fA-F]+): key=((?:\\.|[^\\ ])*) (.*)$/;

/**
 * Undo HAProxy's `dump_text` escaping of keys: `\ `, `\\`, `\t`, `\n`, `\r`, `\xHH`. HAProxy
 * escapes every non-ASCII byte, so runs of `\xHH` are bytes to decode together as UTF-8.
 */
/** UTF-8 bytes to text (standard ECMAScript only: no TextDecoder in a pure package); Latin-1 if invalid. */
function decodeBytes(bytes: number[]): string {
  try {
    return decodeURIComponent(bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

function unescapeKey(text: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) out += decodeBytes(bytes);
    bytes = [];
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char !== '\\' || index + 1 >= text.length) {
      flush();
      out += char;
      continue;
    }
    const next = text[++index]!;
    const hex = next === 'x' ? text.slice(index + 1, index + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
      continue;
    }
    flush();
    out += next === 't' ? '\t' : next === 'n' ? '\n' : next === 'r' ? '\r' : next;
  }
  flush();
  return out;
}

/**
 * Parse `show table` (the list of tables) or `show table <name> [filter]` (a header then entries
 * `0x…: key=<k> use=<n> exp=<ms> <data>=<value>…`).
 *
 * @throws {ProtocolError} on another reply (e.g. `No such table`).
 * @example parseTable(reply)[0]?.entries[0]?.data.http_req_cnt // 6
 */
export function parseTable(text: string): StickTable[] {
  const command = 'show table';
  const tables: Array<{ -readonly [K in keyof StickTable]: StickTable[K] }> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const header = HEADER.exec(line);
    if (header) {
      tables.push({
        name: header[1]!,
        type: header[2]!,
        size: Number(header[3]),
        used: Number(header[4]),
        entries: [],
        restricted: false,
      });
      continue;
    }
    const table = tables[tables.length - 1];
    if (table && line.startsWith('# contents not dumped')) {
      table.restricted = true;
      continue;
    }
    const entry = ENTRY.exec(line);
    if (!table || !entry)
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    const data: Record<string, FieldValue> = {};
    let use: number | undefined;
    let expire: number | undefined;
    for (const item of entry[3]!.split(' ')) {
      const equals = item.indexOf('=');
      if (equals <= 0)
        throw new ProtocolError(`${command}: unexpected data "${item}"`, {
          command,
          excerpt: line.slice(0, 80),
        });
      const name = item.slice(0, equals);
      const value = parseFieldValue(item.slice(equals + 1)) ?? '';
      if (name === 'use' && typeof value === 'number') use = value;
      else if (name === 'exp' && typeof value === 'number') expire = value;
      else if (name !== '__proto__') data[name] = value;
    }
    if (use === undefined)
      throw new ProtocolError(`${command}: entry without use=`, { command, excerpt: line.slice(0, 80) });
    table.entries.push({ ref: entry[1]!, key: unescapeKey(entry[2]!), use, expire, data });
  }
  return tables;
}
