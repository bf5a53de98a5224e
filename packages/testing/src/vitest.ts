/**
 * Vitest helpers: `describeWithHAProxy` runs a block against a real HAProxy when one is installed.
 * On a laptop without HAProxy the block is skipped with a visible message; under CI (`CI=true`) a
 * missing HAProxy fails the run instead, so integration tests can never be skipped silently.
 */
import { describe } from 'vitest';
import { findHAProxyBinary } from './real-haproxy.js';

let warned = false;

/** True when real-HAProxy tests can run here. Throws under CI when they cannot. */
export function haproxyAvailable(): boolean {
  if (findHAProxyBinary()) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(
      'CI=true but no haproxy binary is installed: real-HAProxy integration tests cannot be skipped in CI. Run `apt-get install -y haproxy`.',
    );
  }
  if (!warned) {
    warned = true;
    console.warn(
      '\n[haproxyadmin] Skipping real-HAProxy integration tests: no `haproxy` binary found. Install it (`apt-get install -y haproxy`) or set HAPROXY_BIN to enable them.\n',
    );
  }
  return false;
}

/** `describe` that runs only where a real HAProxy is available (see {@link haproxyAvailable}). */
export function describeWithHAProxy(name: string, body: () => void): void {
  if (haproxyAvailable()) describe(name, body);
  else describe.skip(`${name} (no haproxy binary: skipped)`, body);
}
