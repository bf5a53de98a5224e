/**
 * The protocol names the object model uses, in one place (all from `@haproxyadmin/protocol`),
 * plus the two rule lookups the model applies to unknown fields.
 */
import { type AggregationRule, type FieldValue, infoField, statField } from '@haproxyadmin/protocol';

export {
  type AggregationRule,
  aggregateValues,
  BACKEND_METRICS,
  type FieldValue,
  FRONTEND_METRICS,
  HAPROXY_METRICS,
  type InfoRecord,
  isIPv4,
  isIPv6,
  type ParsedAddress,
  parseAddress,
  parseInfo,
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
