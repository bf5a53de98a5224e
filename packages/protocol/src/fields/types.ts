/** The four kinds of object a `show stat` row describes. */
export type StatObjectType = 'frontend' | 'backend' | 'server' | 'listener';

/** HAProxy's value types, as printed by `show stat typed` / `show info typed`. */
export type FieldValueType = 'u32' | 's32' | 'u64' | 's64' | 'flt' | 'str';

/**
 * How one field combines across several HAProxy processes (workers, old workers after a reload,
 * or independent processes sharing a socket folder):
 * - `sum`: counters, current values and capacities (limits) add up;
 * - `max` / `min`: the highest maximum / the most recent age;
 * - `avg`: times and percentages (queue/connect/response/total times, check durations, idle %) —
 *   percentages are never summed;
 * - `same`: configuration and status that must agree; otherwise the result is inconsistent;
 * - `per-process`: identity of a process (pid, uptime, start time): no aggregate exists.
 */
export type AggregationRule = 'sum' | 'max' | 'min' | 'avg' | 'same' | 'per-process';

/** A value parsed from HAProxy output: text, a safe integer or float, or a 64-bit integer beyond 2^53. */
export type FieldValue = string | number | bigint;
