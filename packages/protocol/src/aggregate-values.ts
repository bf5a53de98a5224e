import { InvalidArgumentError } from './errors.js';
import type { AggregationRule, FieldValue } from './fields/types.js';

/**
 * The outcome of {@link aggregateValues}:
 * - `value`: the aggregate;
 * - `empty`: no process reported a value (empty fields are skipped, never read as 0);
 * - `inconsistent`: a `same` field differs between processes; `values` holds every value;
 * - `per-process`: the field has no meaningful aggregate (pid, uptime…) and several processes
 *   reported it; `values` holds every value.
 */
export type AggregateResult =
  | { readonly kind: 'value'; readonly value: FieldValue }
  | { readonly kind: 'empty' }
  | { readonly kind: 'inconsistent'; readonly values: readonly FieldValue[] }
  | { readonly kind: 'per-process'; readonly values: readonly FieldValue[] };

const MAX = 9007199254740991n; // Number.MAX_SAFE_INTEGER
const MIN = -9007199254740991n; // Number.MIN_SAFE_INTEGER

/** A bigint back to a number when it is safe, so results keep the parsers' representation. */
function normalize(value: bigint): number | bigint {
  return value <= MAX && value >= MIN ? Number(value) : value;
}

function numeric(rule: AggregationRule, values: readonly FieldValue[]): Array<number | bigint> {
  for (const value of values) {
    if (typeof value === 'string') {
      throw new InvalidArgumentError(`cannot ${rule} the non-numeric value ${JSON.stringify(value)}`, {
        argument: 'values',
        value,
      });
    }
  }
  return values as Array<number | bigint>;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === typeof b) return a === b;
  // A number and a bigint of equal value (the parsers never produce both, but callers may).
  return typeof a !== 'string' && typeof b !== 'string' && BigInt(a) === BigInt(b);
}

function sum(values: Array<number | bigint>): number | bigint {
  let total = 0;
  let exact = true;
  for (const value of values) {
    // Every partial sum must stay a safe integer, or precision is already lost.
    if (typeof value !== 'number' || !Number.isInteger(value) || !Number.isSafeInteger((total += value))) {
      exact = false;
      break;
    }
  }
  if (exact) return total;
  // Floats (`show info float`) stay floats; integers beyond 2^53 are summed exactly as bigints.
  if (values.every((value) => typeof value === 'bigint' || Number.isInteger(value))) {
    let big = 0n;
    for (const value of values) big += BigInt(value);
    return normalize(big);
  }
  let float = 0;
  for (const value of values) float += Number(value);
  return float;
}

/**
 * Combine one field's values from several processes with an {@link AggregationRule}.
 *
 * `undefined` and `''` (empty fields) are skipped. Integers beyond 2^53 are handled exactly as
 * bigints; results that fit are numbers. `avg` returns the exact mean (it may be fractional).
 *
 * @throws {InvalidArgumentError} when a numeric rule (`sum`, `max`, `min`, `avg`) gets a string.
 * @example aggregateValues('sum', [1, 2, undefined]) // { kind: 'value', value: 3 }
 * @example aggregateValues('same', ['UP', 'DOWN'])   // { kind: 'inconsistent', values: ['UP', 'DOWN'] }
 */
export function aggregateValues(
  rule: AggregationRule,
  values: ReadonlyArray<FieldValue | undefined | null>,
): AggregateResult {
  const present = values.filter(
    (value): value is FieldValue => value !== undefined && value !== null && value !== '',
  );
  if (present.length === 0) return { kind: 'empty' };
  switch (rule) {
    case 'sum':
      return { kind: 'value', value: sum(numeric(rule, present)) };
    case 'avg': {
      const numbers = numeric(rule, present);
      const total = sum(numbers);
      if (typeof total === 'bigint') {
        const count = BigInt(numbers.length);
        // Exact when divisible; otherwise the float mean, which is as precise as a float allows.
        return {
          kind: 'value',
          value: total % count === 0n ? normalize(total / count) : Number(total) / numbers.length,
        };
      }
      return { kind: 'value', value: total / numbers.length };
    }
    case 'max':
    case 'min': {
      const numbers = numeric(rule, present);
      let best = numbers[0]!;
      for (const value of numbers) if (rule === 'max' ? value > best : value < best) best = value;
      return { kind: 'value', value: best };
    }
    case 'same': {
      const first = present[0]!;
      return present.every((value) => sameValue(value, first))
        ? { kind: 'value', value: first }
        : { kind: 'inconsistent', values: present };
    }
    case 'per-process':
      return present.length === 1
        ? { kind: 'value', value: present[0]! }
        : { kind: 'per-process', values: present };
    default: {
      const unknown: never = rule;
      throw new InvalidArgumentError(`unknown aggregation rule ${String(unknown)}`, {
        argument: 'rule',
        value: rule,
      });
    }
  }
}
