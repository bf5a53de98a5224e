import { ProtocolError } from './errors.js';
import { infoField } from './fields/info-fields.js';
import type { FieldValue } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';
import type { TypedField } from './typed-field.js';

/** `show info` as a record: HAProxy's field names → typed values. Empty fields are absent. */
export type InfoRecord = Record<string, FieldValue | undefined>;

/** Options of {@link parseInfo}. */
export interface ParseInfoOptions {
  /** The command had the `desc` option: drop each line's trailing `:"<description>"`. */
  desc?: boolean;
}

const NAME = /^[A-Za-z][A-Za-z0-9_ .-]*$/;

const QUOTED = /^"(?:[^"]|"")*"$/;

/** HAProxy CSV-quotes info values holding `,` or `"` (e.g. `description: "a, ""b"""`). */
function unquote(value: string): string {
  return QUOTED.test(value) ? value.slice(1, -1).replaceAll('""', '"') : value;
}

/**
 * Parse `show info` (plain `Name: value` lines) into a record keyed by HAProxy's own names
 * (`Unstoppable Jobs`, `Build info` keep their spaces).
 *
 * Each line is split on its first `:`; one space after it is dropped. Values are typed with the
 * field catalogue: numbers (bigint beyond 2^53) for numeric fields, text for `Version`, `Uptime`,
 * `node`, `description`, `Tainted`…; unknown fields become numbers when they look numeric. A
 * CSV-quoted value (HAProxy quotes values holding `,` or `"`) is unquoted. Empty values are absent.
 *
 * @throws {ProtocolError} when a line is not `Name: value` (e.g. `Permission denied`, `Unknown command…`).
 * @example parseInfo('Name: HAProxy\nPid: 6873\n') // { Name: 'HAProxy', Pid: 6873 }
 */
export function parseInfo(text: string, options: ParseInfoOptions = {}): InfoRecord {
  const record: InfoRecord = {};
  let seen = false;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    if (!NAME.test(name)) {
      throw new ProtocolError('show info: not a "Name: value" line', {
        command: 'show info',
        excerpt: line.slice(0, 80),
      });
    }
    let value = line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (options.desc) {
      const at = value.lastIndexOf(':"');
      if (at !== -1 && value.endsWith('"')) value = value.slice(0, at);
    }
    value = unquote(value);
    seen = true;
    if (name === '__proto__') continue;
    const typed = parseFieldValue(value, infoField(name)?.type);
    if (typed !== undefined) record[name] = typed;
  }
  if (!seen) throw new ProtocolError('show info: empty reply', { command: 'show info' });
  return record;
}

/** Turn typed/JSON info fields ({@link parseTypedInfo}, {@link parseJsonInfo}) into an {@link InfoRecord}. */
export function typedInfoToRecord(fields: readonly TypedField[]): InfoRecord {
  const record: InfoRecord = {};
  for (const field of fields) {
    if (field.value !== undefined && field.name !== '__proto__') record[field.name] = field.value;
  }
  return record;
}
