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
  let fake: FakeHAProxy | undefined;
  beforeAll(async () => {
    fake = await createFakeHAProxy(options);
  });
  afterEach(() => {
    try {
      if (settings.assertFaults) fake?.assertNoPendingFaults();
    } finally {
      fake?.reset();
    }
  });
  afterAll(async () => {
    await fake?.close();
    fake = undefined;
  });
  return {
    get current() {
      if (!fake)
        throw new Error('setupFakeHAProxy: the fake is only available inside tests (after beforeAll)');
      return fake;
    },
  };
}

/** Handle returned by {@link setupFakeCluster}. */
export interface FakeClusterHandle {
  readonly current: FakeCluster;
}

/** Like {@link setupFakeHAProxy} for a {@link FakeCluster}: every process is reset after each test. */
export function setupFakeCluster(options: FakeClusterOptions = {}): FakeClusterHandle {
  let cluster: FakeCluster | undefined;
  beforeAll(async () => {
    cluster = await createFakeCluster(options);
  });
  afterEach(() => {
    cluster?.reset();
  });
  afterAll(async () => {
    await cluster?.close();
    cluster = undefined;
  });
  return {
    get current() {
      if (!cluster)
        throw new Error('setupFakeCluster: the cluster is only available inside tests (after beforeAll)');
      return cluster;
    },
  };
}
