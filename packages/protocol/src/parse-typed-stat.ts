import { ProtocolError } from './errors.js';
import type { FieldValue, StatObjectType } from './fields/types.js';
import type { StatRow } from './stat-csv.js';
import { splitTypedLine, type TypedField, type TypedParseOptions } from './typed-field.js';

export type { FieldTags, TypedField, TypedParseOptions } from './typed-field.js';

const OBJECTS: Readonly<Record<string, StatObjectType>> = {
  F: 'frontend',
  B: 'backend',
  S: 'server',
  L: 'listener',
};

const KEY = /^([FBLS])\.(\d+)\.(\d+)\.(\d+)\.(.+)\.(\d+)$/;

/**
 * Parse `show stat typed` (1.7+): one field per line,
 * `<F|B|L|S>.<iid>.<sid>.<pos>.<name>.<proc>:<tags>:<type>:<value>`. Lines are split on their first
 * three colons only: string values may contain `:` or be empty. 3-letter (≤3.2) and 4-letter (3.3+)
 * tags are both read. With `{ desc: true }` the trailing `:"<description>"` is split off.
 *
 * @throws {ProtocolError} on a line that is not a typed stat line (e.g. `No such proxy.`).
 * @example parseTypedStat('F.2.0.4.scur.1:MGP:u32:0\n')[0] // { objectType: 'frontend', proxyId: 2, … value: 0 }
 */
export function parseTypedStat(text: string, options: TypedParseOptions = {}): TypedField[] {
  const fields: TypedField[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { key, ...rest } = splitTypedLine(line, 'show stat typed', options);
    const match = KEY.exec(key);
    if (!match)
      throw new ProtocolError('show stat typed: bad field key', {
        command: 'show stat typed',
        excerpt: line.slice(0, 80),
      });
    fields.push({
      objectType: OBJECTS[match[1]!]!,
      proxyId: Number(match[2]),
      id: Number(match[3]),
      position: Number(match[4]),
      name: match[5]!,
      process: Number(match[6]),
      ...rest,
    });
  }
  return fields;
}

/**
 * Group typed stat fields (from {@link parseTypedStat} or {@link parseJsonStat}) into rows shaped
 * like {@link parseStat}'s: one per object and process, in order of appearance, fields under their
 * names, empty ones absent.
 */
export function typedStatToRows(fields: readonly TypedField[]): StatRow[] {
  const rows = new Map<string, Record<string, FieldValue | undefined>>();
  for (const field of fields) {
    const key = `${field.objectType}.${field.proxyId}.${field.id}.${field.process}`;
    let row = rows.get(key);
    if (!row) {
      row = {};
      rows.set(key, row);
    }
    if (field.value !== undefined && field.name !== '__proto__') row[field.name] = field.value;
  }
  const result: StatRow[] = [];
  for (const row of rows.values()) {
    if (typeof row.pxname !== 'string' || typeof row.svname !== 'string') {
      throw new ProtocolError('typed stat: an object without pxname or svname', {
        command: 'show stat typed',
      });
    }
    result.push(row as StatRow);
  }
  return result;
}
