import { ProtocolError } from './errors.js';
import {
  createTypedLineParts,
  splitTypedLine,
  type TypedField,
  type TypedParseOptions,
} from './typed-field.js';

const KEY = /^(\d+)\.(.+)\.(\d+)$/;

/**
 * Parse `show info typed` (1.7+): `<pos>.<name>.<proc>:<tags>:<type>:<value>` per line. Names may
 * contain spaces (`Unstoppable Jobs`); values may contain `:`. With `{ desc: true }` the trailing
 * `:"<description>"` is split off. Use {@link typedInfoToRecord} for a name → value record.
 *
 * @throws {ProtocolError} on a line that is not a typed info line.
 */
export function parseTypedInfo(text: string, options: TypedParseOptions = {}): TypedField[] {
  const command = 'show info typed';
  const fields: TypedField[] = [];
  const parts = createTypedLineParts();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    splitTypedLine(line, command, options, parts);
    const match = KEY.exec(parts.key);
    if (!match) throw new ProtocolError(`${command}: bad field key`, { command, excerpt: line.slice(0, 80) });
    const field: { -readonly [K in keyof TypedField]: TypedField[K] } = {
      position: Number(match[1]),
      name: match[2]!,
      process: Number(match[3]),
      tags: parts.tags,
      type: parts.type,
      value: parts.value,
    };
    if (parts.description !== undefined) field.description = parts.description;
    fields.push(field);
  }
  return fields;
}
