import { ProtocolError } from './errors.js';
import type { FieldValue, StatObjectType } from './fields/types.js';
import type { StatRow } from './stat-csv.js';
import {
  createTypedLineParts,
  splitTypedLine,
  type TypedField,
  type TypedParseOptions,
} from './typed-field.js';

export type { FieldTags, TypedField, TypedParseOptions } from './typed-field.js';

const OBJECTS: Readonly<Record<string, StatObjectType>> = {
  F: 'frontend',
  B: 'backend',
  S: 'server',
  L: 'listener',
};

/**
 * Parse `show stat typed` (1.7+): one field per line,
 * `<F|B|L|S>.<iid>.<sid>.<pos>.<name>.<proc>:<tags>:<type>:<value>`. Lines are split on their first
 * three colons only: string values may contain `:` or be empty. 3-letter (≤3.2) and 4-letter (3.3+)
 * tags are both read. With `{ desc: true }` the trailing `:"<description>"` is split off.
 *
 * One object per field is heavy for big fleets (2,000 backends × 10 servers give 1.36 M lines, 43 MB):
 * prefer the CSV ({@link parseStat}) there.
 *
 * @throws {ProtocolError} on a line that is not a typed stat line (e.g. `No such proxy.`).
 * @example parseTypedStat('F.2.0.4.scur.1:MGP:u32:0\n')[0] // { objectType: 'frontend', proxyId: 2, … value: 0 }
 */
export function parseTypedStat(text: string, options: TypedParseOptions = {}): TypedField[] {
  const command = 'show stat typed';
  const fields: TypedField[] = [];
  const parts = createTypedLineParts();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '') continue;
    splitTypedLine(line, command, options, parts);
    // `<obj>.<iid>.<sid>.<pos>.<name>.<proc>`: the name sits between the fourth and the last dot.
    const key = parts.key;
    const objectType = OBJECTS[key[0]!];
    const d1 = key.indexOf('.');
    const d2 = key.indexOf('.', d1 + 1);
    const d3 = key.indexOf('.', d2 + 1);
    const d4 = key.indexOf('.', d3 + 1);
    const last = key.lastIndexOf('.');
    const proxyId = integer(key, d1 + 1, d2);
    const id = integer(key, d2 + 1, d3);
    const position = integer(key, d3 + 1, d4);
    const process = integer(key, last + 1, key.length);
    if (
      !objectType ||
      d1 !== 1 ||
      d4 === -1 ||
      last <= d4 + 1 ||
      proxyId < 0 ||
      id < 0 ||
      position < 0 ||
      process < 0
    ) {
      throw new ProtocolError(`${command}: bad field key`, { command, excerpt: line.slice(0, 80) });
    }
    const name = key.slice(d4 + 1, last);
    const field: TypedField =
      parts.description === undefined
        ? {
            objectType,
            proxyId,
            id,
            position,
            name,
            process,
            tags: parts.tags,
            type: parts.type,
            value: parts.value,
          }
        : {
            objectType,
            proxyId,
            id,
            position,
            name,
            process,
            tags: parts.tags,
            type: parts.type,
            value: parts.value,
            description: parts.description,
          };
    fields.push(field);
  }
  return fields;
}

/** The decimal integer in `text[from, to)`, or -1 when it is not one (empty, other characters, too long). */
function integer(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
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
