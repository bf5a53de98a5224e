import { ProtocolError } from './errors.js';
import type { StatObjectType } from './fields/types.js';
import { jsonField, parseHAProxyJson, type TypedField } from './typed-field.js';

type Json = Record<string, unknown>;

const OBJECTS: Readonly<Record<string, StatObjectType>> = {
  Frontend: 'frontend',
  Backend: 'backend',
  Server: 'server',
  Listener: 'listener',
};

/**
 * Parse `show stat json` (1.8+): `[[field, …], …]`, one array per object, into the same
 * {@link TypedField}s as {@link parseTypedStat} (use {@link typedStatToRows} for rows).
 *
 * HAProxy 2.6 does not escape quotes inside string values (check reasons, descriptions), which makes
 * its JSON invalid; such values are repaired. Integers are exact up to 2^53−1, HAProxy's own JSON limit.
 * For large fleets prefer CSV: 2,000 backends × 10 servers give 257 MB of JSON vs 5 MB of CSV.
 *
 * @throws {ProtocolError} on invalid JSON, `{"errorStr": …}` elements, or an unexpected structure.
 */
export function parseJsonStat(text: string): TypedField[] {
  const command = 'show stat json';
  const data = parseHAProxyJson(text, command);
  if (!Array.isArray(data))
    throw new ProtocolError(`${command}: not a JSON array`, { command, excerpt: text.slice(0, 80) });
  const fields: TypedField[] = [];
  for (const object of data) {
    if (!Array.isArray(object)) {
      throw new ProtocolError(`${command}: not an array of objects`, {
        command,
        excerpt: JSON.stringify(object)?.slice(0, 80) ?? '',
      });
    }
    for (const item of object) {
      const field = jsonField(item, command);
      const json = item as Json;
      const objectType = OBJECTS[String(json.objType)];
      if (!objectType || typeof json.proxyId !== 'number' || typeof json.id !== 'number') {
        throw new ProtocolError(`${command}: field without objType/proxyId/id`, {
          command,
          excerpt: JSON.stringify(item).slice(0, 80),
        });
      }
      fields.push({ objectType, proxyId: json.proxyId, id: json.id, ...field });
    }
  }
  return fields;
}
