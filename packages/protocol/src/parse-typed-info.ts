import { ProtocolError } from './errors.js';
import { splitTypedLine, type TypedField, type TypedParseOptions } from './typed-field.js';

const KEY = /^(\d+)\.(.+)\.(\d+)$/;

/**
 * Parse `show info typed` (1.7+): `<pos>.<name>.<proc>:<tags>:<type>:<value>` per line. Names may
 * contain spaces (`Unstoppable Jobs`); values may contain `:`. With `{ desc: true }` the trailing
 * `:"<description>"` is split off. Use {@link typedInfoToRecord} for a name → value record.
 *
 * @throws {ProtocolError} on a line that is not a typed info line.
 */
export function parseTypedInfo(text: string, options: TypedParseOptions = {}): TypedField[] {
  const fields: TypedField[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { key, ...rest } = splitTypedLine(line, 'show info typed', options);
    const match = KEY.exec(key);
    if (!match)
      throw new ProtocolError('show info typed: bad field key', {
        command: 'show info typed',
        excerpt: line.slice(0, 80),
      });
    fields.push({ position: Number(match[1]), name: match[2]!, process: Number(match[3]), ...rest });
  }
  return fields;
}
