import type { ProcessRef } from '../core/types.js';
import { InconsistentDataError } from '../errors.js';
import { type AggregationRule, aggregateValues, type StatValue } from './protocol.js';

/** One process's value of a field. */
export interface PerProcessValue<V = StatValue> {
  readonly process: ProcessRef;
  readonly value: V;
}

/** Which processes a field is read from: configuration/status from current workers, counters from all. */
export function modeOf(rule: AggregationRule): 'current' | 'all' {
  return rule === 'same' || rule === 'per-process' ? 'current' : 'all';
}

function equal(a: StatValue | undefined, b: StatValue | undefined): boolean {
  return a === b || (a == null && b == null);
}

/**
 * Aggregate one field across processes with its catalogue rule: `sum`/`max`/`min`/`avg` over the
 * numbers (empty values skipped; all empty stays `null`, distinct from 0); `same` and
 * `per-process` values must agree, otherwise {@link InconsistentDataError} carries every value.
 */
export function aggregate(
  field: string,
  rule: AggregationRule,
  values: readonly PerProcessValue[],
): StatValue {
  if (values.length === 0) return null;
  if (rule === 'same' || rule === 'per-process') {
    const first = values[0]!.value;
    for (const { value } of values) {
      if (!equal(value, first)) throw new InconsistentDataError(field, values);
    }
    return first ?? null;
  }
  const result = aggregateValues(
    rule,
    values.map(({ value }) => value),
  );
  return result.kind === 'value' ? result.value : null;
}

/** Like {@link aggregate}, but reports disagreement instead of throwing (for snapshots). */
export function tryAggregate(
  field: string,
  rule: AggregationRule,
  values: readonly PerProcessValue[],
): { ok: true; value: StatValue } | { ok: false } {
  try {
    return { ok: true, value: aggregate(field, rule, values) };
  } catch {
    return { ok: false };
  }
}
