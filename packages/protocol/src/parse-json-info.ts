import { ProtocolError } from './errors.js';
import { jsonField, parseHAProxyJson, type TypedField } from './typed-field.js';

/**
 * Parse `show info json` (1.8+): an array of field objects, into {@link TypedField}s (use
 * {@link typedInfoToRecord} for a record). Unescaped quotes in string values (HAProxy 2.6 writes
 * `"value":"node, with "quotes""` for such a `description`) are repaired.
 *
 * @throws {ProtocolError} on invalid JSON or an unexpected structure.
 */
export function parseJsonInfo(text: string): TypedField[] {
  const command = 'show info json';
  const data = parseHAProxyJson(text, command);
  if (!Array.isArray(data))
    throw new ProtocolError(`${command}: not a JSON array`, { command, excerpt: text.slice(0, 80) });
  return data.map((item) => jsonField(item, command));
}
