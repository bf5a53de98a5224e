/**
 * Vitest helpers: `setupFakeHAProxy` / `setupFakeCluster` wire a fake into a describe block, and
 * `describeWithHAProxy` runs a block against a real HAProxy when one is installed.
 * On a laptop without HAProxy the block is skipped with a visible message; under CI (`CI=true`) a
 * missing HAProxy fails the run instead, so integration tests can never be skipped silently.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createFakeCluster, type FakeCluster, type FakeClusterOptions } from './fake/cluster.js';
import { createFakeHAProxy, type FakeHAProxy, type FakeHAProxyOptions } from './fake/fake-haproxy.js';
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

/** Handle returned by {@link setupFakeHAProxy}: the fake, available once `beforeAll` has run. */
export interface FakeHAProxyHandle {
  /** The running fake (throws if read before `beforeAll`). */
  readonly current: FakeHAProxy;
}

/**
 * Start a fake HAProxy for the enclosing `describe`: created in `beforeAll`, `reset()` after each test
 * (state, handlers, faults and calls), closed in `afterAll`. With `assertFaults`, every test also
 * fails when an injected one-shot fault never fired.
 */
export function setupFakeHAProxy(
  options: FakeHAProxyOptions = {},
  settings: { assertFaults?: boolean } = {},
): FakeHAProxyHandle {
  return forDescribe(
    () => createFakeHAProxy(options),
    (fake) => {
      try {
        if (settings.assertFaults) fake.assertNoPendingFaults();
      } finally {
        fake.reset();
      }
    },
    'setupFakeHAProxy: the fake is only available inside tests (after beforeAll)',
  );
}

/** Handle returned by {@link setupFakeCluster}. */
export interface FakeClusterHandle {
  readonly current: FakeCluster;
}

/** Like {@link setupFakeHAProxy} for a {@link FakeCluster}: every process is reset after each test. */
export function setupFakeCluster(options: FakeClusterOptions = {}): FakeClusterHandle {
  return forDescribe(
    () => createFakeCluster(options),
    (cluster) => cluster.reset(),
    'setupFakeCluster: the cluster is only available inside tests (after beforeAll)',
  );
}

/**
 * Wire something closable into the enclosing `describe`: created in `beforeAll`, `afterEachTest`
 * after each test, closed in `afterAll`; `current` throws `notReady` outside that span.
 */
function forDescribe<T extends { close(): Promise<void> }>(
  create: () => Promise<T>,
  afterEachTest: (value: T) => void,
  notReady: string,
): { readonly current: T } {
  let value: T | undefined;
  beforeAll(async () => {
    value = await create();
  });
  afterEach(() => {
    if (value) afterEachTest(value);
  });
  afterAll(async () => {
    await value?.close();
    value = undefined;
  });
  return {
    get current() {
      if (!value) throw new Error(notReady);
      return value;
    },
  };
}
