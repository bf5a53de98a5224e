import { InvalidArgumentError } from '../errors.js';
import { isIPv4, isIPv6 } from './protocol.js';

/**
 * HAProxy accepts only these characters in proxy and server names (`invalid_char()` in its
 * sources): letters, digits, `-`, `_`, `.` and `:`. Anything else cannot name an existing object,
 * so it is refused before a command is built (it would also be escaped by `quoteArgument`).
 */
const NAME = /^[A-Za-z0-9_.:-]+$/;

/** Refuse a proxy/server name that HAProxy could not have: empty, `;`, spaces, newlines, `/`… */
export function validateName(value: unknown, argument: string): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`${argument} must be a string, got ${typeOf(value)}`, { argument, value });
  }
  if (!NAME.test(value)) {
    throw new InvalidArgumentError(
      `${argument} ${JSON.stringify(value)} is not a valid HAProxy name (letters, digits, '-', '_', '.', ':')`,
      { argument, value },
    );
  }
  return value;
}

/**
 * Refuse anything but a safe integer in `[min, max]`: no strings (`'50'`), booleans, NaN, Infinity
 * or fractions. HAProxy parses numbers with atoi-like functions that read `abc` as 0, so a bad
 * number must never reach it.
 */
export function validateInteger(value: unknown, argument: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidArgumentError(`${argument} must be an integer, got ${typeOf(value)}`, {
      argument,
      value,
    });
  }
  if (value < min || value > max) {
    throw new InvalidArgumentError(`${argument} must be between ${min} and ${max}, got ${value}`, {
      argument,
      value,
    });
  }
  return value;
}

/** An IPv4 or IPv6 address for `set server addr` (brackets around IPv6 are accepted and removed). */
export function validateIp(value: unknown, argument: string): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`${argument} must be a string, got ${typeOf(value)}`, { argument, value });
  }
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (!isIPv4(bare) && !isIPv6(bare)) {
    throw new InvalidArgumentError(
      `${argument} must be an IPv4 or IPv6 address, got ${JSON.stringify(value)}`,
      {
        argument,
        value,
      },
    );
  }
  return bare;
}

function typeOf(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return value === null ? 'null' : typeof value;
}

/** Largest value HAProxy stores in its signed 32-bit limits (maxconn, rate limits). */
export const INT32_MAX = 2_147_483_647;
