import type { FieldValue, FieldValueType } from './fields/types.js';

const INTEGER = /^-?\d+$/;
const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const MAX = 9007199254740991n; // Number.MAX_SAFE_INTEGER
const MIN = -9007199254740991n; // Number.MIN_SAFE_INTEGER

/**
 * Convert one integer text to a number when it is a safe integer, else to an exact bigint
 * (`18446744073709551615` stays exact). The text must match `/^-?\d+$/`.
 */
export function parseIntegerText(text: string): number | bigint {
  // Up to 15 digits always fit in a double exactly.
  if (text.length <= 15) return Number(text);
  const big = BigInt(text);
  return big <= MAX && big >= MIN ? Number(big) : big;
}

/**
 * Type one value printed by HAProxy.
 *
 * - empty text → `undefined` (HAProxy prints nothing when a field does not apply: it is not 0);
 * - `str` → the text as is;
 * - integers → `number` when safe (|n| ≤ 2^53−1), else `bigint`, exactly;
 * - floats (`flt`, or an unknown type) → `number`;
 * - text that does not parse as the declared numeric type stays a string, so nothing is lost.
 *
 * Without a type (an unknown column), integer- and float-looking text becomes a number.
 *
 * @example parseFieldValue('18446744073709551615', 'u64') // 18446744073709551615n
 */
export function parseFieldValue(text: string, type?: FieldValueType): FieldValue | undefined {
  if (text === '') return undefined;
  if (type === 'str') return text;
  if (INTEGER.test(text)) return parseIntegerText(text);
  if (FLOAT.test(text)) return Number(text);
  return text;
}
