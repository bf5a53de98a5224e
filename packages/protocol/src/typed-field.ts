/**
 * Shared by the typed and JSON parsers of `show stat` and `show info`. Internal: the public names
 * (`TypedField`, `FieldTags`, `TypedParseOptions`) are re-exported by the parsers.
 */
import { ProtocolError } from './errors.js';
import type { FieldValue, FieldValueType, StatObjectType } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';

/** The metadata tags of a typed/JSON field, spelled out as `show stat json` does. */
export interface FieldTags {
  /** `Metric`, `Status`, `Key`, `Config`, `Product` (or `Unknown`). */
  readonly origin: string;
  /** `Age`, `Avg`, `Counter`, `Duration`, `Gauge`, `Limit`, `Max`, `Min`, `Name`, `Output`, `Rate`, `Time`. */
  readonly nature: string;
  /** `Cluster`, `Process`, `Service`, `System`. */
  readonly scope: string;
  /** `Volatile` or `Persistent` (typed output of 3.3+ only). */
  readonly persistence?: string;
}

/** One field of `show stat typed|json` or `show info typed|json`. */
export interface TypedField {
  /** Stat fields only: the object the field belongs to. */
  readonly objectType?: StatObjectType;
  /** Stat fields only: the proxy id (`iid`). */
  readonly proxyId?: number;
  /** Stat fields only: the server or listener id (`sid`, 0 for a frontend/backend). */
  readonly id?: number;
  /** The field's position in HAProxy's list (module fields count after the fixed ones). */
  readonly position: number;
  /** HAProxy's field name. */
  readonly name: string;
  /** Relative process number (always 1 since 2.5). */
  readonly process: number;
  readonly tags: FieldTags;
  /** HAProxy's value type. */
  readonly type: FieldValueType;
  /** The typed value: numbers/bigints for integer types, number for `flt`, text for `str`; empty → undefined. */
  readonly value: FieldValue | undefined;
  /** The field description, with the `desc` option. */
  readonly description?: string;
}

export const ORIGINS: Readonly<Record<string, string>> = {
  M: 'Metric',
  S: 'Status',
  K: 'Key',
  C: 'Config',
  P: 'Product',
};
export const NATURES: Readonly<Record<string, string>> = {
  A: 'Age',
  a: 'Avg',
  C: 'Counter',
  D: 'Duration',
  G: 'Gauge',
  L: 'Limit',
  M: 'Max',
  m: 'Min',
  N: 'Name',
  O: 'Output',
  R: 'Rate',
  T: 'Time',
};
export const SCOPES: Readonly<Record<string, string>> = {
  C: 'Cluster',
  P: 'Process',
  S: 'Service',
  s: 'System',
};
export const PERSISTENCES: Readonly<Record<string, string>> = { V: 'Volatile', P: 'Persistent' };
export const VALUE_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'u32',
  's32',
  'u64',
  's64',
  'flt',
  'str',
]);

/** Options of the typed parsers. */
export interface TypedParseOptions {
  /** The command had the `desc` option: strip the trailing `:"<description>"` into `description`. */
  desc?: boolean;
}

// Decoded tags by their text: a dump uses a few dozen combinations, so fields share frozen objects.
const TAGS = new Map<string, FieldTags>();

function tags(text: string, line: string, command: string): FieldTags {
  const cached = TAGS.get(text);
  if (cached) return cached;
  // `?` is what HAProxy prints for an unknown tag letter; it reads as `Unknown`.
  if (!/^[A-Za-z?]{3,4}$/.test(text)) {
    throw new ProtocolError(`${command}: bad tags "${text}"`, { command, excerpt: line.slice(0, 80) });
  }
  const result: { origin: string; nature: string; scope: string; persistence?: string } = {
    origin: ORIGINS[text[0]!] ?? 'Unknown',
    nature: NATURES[text[1]!] ?? 'Unknown',
    scope: SCOPES[text[2]!] ?? 'Unknown',
  };
  if (text.length === 4) result.persistence = PERSISTENCES[text[3]!] ?? 'Unknown';
  const frozen = Object.freeze(result);
  if (TAGS.size < 1024) TAGS.set(text, frozen);
  return frozen;
}

/** The parts of one typed line; {@link splitTypedLine} fills one reusable instance per parse. */
export interface TypedLineParts {
  key: string;
  tags: FieldTags;
  type: FieldValueType;
  value: FieldValue | undefined;
  description: string | undefined;
}

/** A fresh {@link TypedLineParts} to pass to {@link splitTypedLine}. */
export function createTypedLineParts(): TypedLineParts {
  return {
    key: '',
    tags: { origin: '', nature: '', scope: '' },
    type: 'str',
    value: undefined,
    description: undefined,
  };
}

/**
 * Split one typed line `<key>:<tags>:<type>:<value>` on its first three colons only (values may hold
 * `:`), and type the value into `parts`. Shared with `show info typed`.
 */
export function splitTypedLine(
  line: string,
  command: string,
  options: TypedParseOptions,
  parts: TypedLineParts,
): void {
  const first = line.indexOf(':');
  const second = first === -1 ? -1 : line.indexOf(':', first + 1);
  const third = second === -1 ? -1 : line.indexOf(':', second + 1);
  if (third === -1)
    throw new ProtocolError(`${command}: not a typed line`, { command, excerpt: line.slice(0, 80) });
  const type = line.slice(second + 1, third);
  if (!VALUE_TYPES.has(type)) {
    throw new ProtocolError(`${command}: unknown value type "${type}"`, {
      command,
      excerpt: line.slice(0, 80),
    });
  }
  let raw = line.slice(third + 1);
  let description: string | undefined;
  if (options.desc) {
    // `:"<description>"` ends the line; the value itself may contain `:"`, so take the last one.
    const at = raw.lastIndexOf(':"');
    if (at !== -1 && raw.endsWith('"')) {
      description = raw.slice(at + 2, -1);
      raw = raw.slice(0, at);
    }
  }
  parts.key = line.slice(0, first);
  parts.tags = tags(line.slice(first + 1, second), line, command);
  parts.type = type as FieldValueType;
  parts.value = parseFieldValue(raw, type as FieldValueType);
  parts.description = description;
}

// HAProxy 2.6 writes string values into JSON without escaping quotes (a check reason such as
// `Service, "Unavailable"` yields invalid JSON). Such a value always ends the `value` object,
// then its field object: `"}}` followed by `,` or `]`.
const STRING_VALUE = /"value":\{"type":"str","value":"(.*?)"\}\}(?=[,\]])/gs;

/** `JSON.parse`, repairing HAProxy's unescaped quotes in string values when needed. */
export function parseHAProxyJson(text: string, command: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const repaired = text.replace(STRING_VALUE, (whole, content: string) => {
      try {
        JSON.parse(`"${content}"`);
        return whole;
      } catch {
        return `"value":{"type":"str","value":${JSON.stringify(content)}}}`;
      }
    });
    try {
      return JSON.parse(repaired);
    } catch (error) {
      throw new ProtocolError(`${command}: invalid JSON`, {
        command,
        excerpt: text.slice(0, 80),
        cause: error,
      });
    }
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Convert one JSON field object (shared by stat and info). */
export function jsonField(item: unknown, command: string): TypedField {
  if (!isObject(item) || !isObject(item.field) || !isObject(item.value) || !isObject(item.tags)) {
    const error = isObject(item) && typeof item.errorStr === 'string' ? `: ${item.errorStr}` : '';
    throw new ProtocolError(`${command}: unexpected JSON element${error}`, {
      command,
      excerpt: JSON.stringify(item)?.slice(0, 80) ?? '',
    });
  }
  const { field, value, tags } = item;
  const type = value.type;
  if (
    typeof type !== 'string' ||
    !VALUE_TYPES.has(type) ||
    typeof field.name !== 'string' ||
    typeof field.pos !== 'number'
  ) {
    throw new ProtocolError(`${command}: malformed field`, {
      command,
      excerpt: JSON.stringify(item).slice(0, 80),
    });
  }
  const raw = value.value;
  let typed: FieldValue | undefined;
  if (typeof raw === 'number') typed = raw;
  else if (typeof raw === 'string') typed = parseFieldValue(raw, type as FieldValueType);
  else if (raw !== undefined && raw !== null) {
    throw new ProtocolError(`${command}: malformed value`, {
      command,
      excerpt: JSON.stringify(item).slice(0, 80),
    });
  }
  const text = (entry: unknown) => (typeof entry === 'string' ? entry : 'Unknown');
  return {
    position: field.pos,
    name: field.name,
    process: typeof item.processNum === 'number' ? item.processNum : 1,
    tags: { origin: text(tags.origin), nature: text(tags.nature), scope: text(tags.scope) },
    type: type as FieldValueType,
    value: typed,
  };
}
