/**
 * The protocol names the object model uses, in one place. Everything comes from
 * `@haproxyadmin/protocol`, except the two parsers marked TEMPORARY below, which stand in for
 * `parseInfo` and `parseAddress` until that package exports them (then they become re-exports).
 */
import {
  type AggregationRule,
  type FieldValue,
  infoField,
  parseFieldValue,
  statField,
} from '@haproxyadmin/protocol';

export {
  type AggregationRule,
  aggregateValues,
  BACKEND_METRICS,
  type FieldValue,
  FRONTEND_METRICS,
  HAPROXY_METRICS,
  parseStat,
  SERVER_METRICS,
  type StatRow,
  statObjectType,
} from '@haproxyadmin/protocol';

/** A value read from a dump; `null` when HAProxy left the field empty (never read as 0). */
export type StatValue = FieldValue | null;

/** How a `show stat` column aggregates; unknown columns are compared, never summed by accident. */
export function statRule(field: string): AggregationRule {
  return statField(field)?.aggregation ?? 'same';
}

/** How a `show info` field aggregates; unknown fields are compared, never summed by accident. */
export function infoRule(field: string): AggregationRule {
  return infoField(field)?.aggregation ?? 'same';
}

/** `show info`, typed: `Name: value` lines, split on the first `: ` (or a bare `name:`). */
export type InfoRecord = Record<string, FieldValue>;

/**
 * TEMPORARY — until `@haproxyadmin/protocol` exports `parseInfo`. Typing goes through the
 * protocol's `parseFieldValue` with the catalogue's type.
 */
export function parseInfo(text: string): InfoRecord {
  const record: InfoRecord = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = parseFieldValue(line.slice(colon + 1).trim(), infoField(key)?.type);
    if (value !== undefined) record[key] = value;
  }
  return record;
}

/** A server address as `show stat` prints it (`addr`). */
export interface ServerAddress {
  readonly kind: 'ipv4' | 'ipv6' | 'unix' | 'other';
  /** IP without brackets, or the text HAProxy printed (`unix`). */
  readonly host: string;
  readonly port: number | undefined;
}

/** TEMPORARY — until `@haproxyadmin/protocol` exports `parseAddress`. */
export function parseAddress(addr: string): ServerAddress {
  let match = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr);
  if (match) return { kind: 'ipv6', host: match[1]!, port: match[2] ? Number(match[2]) : undefined };
  if (addr === 'unix' || addr.startsWith('unix@') || addr.startsWith('abns@')) {
    return { kind: 'unix', host: addr, port: undefined };
  }
  match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(addr);
  if (match) return { kind: 'ipv4', host: match[1]!, port: match[2] ? Number(match[2]) : undefined };
  return { kind: 'other', host: addr, port: undefined };
}
