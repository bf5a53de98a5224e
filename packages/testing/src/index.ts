/**
 * @haproxyadmin/testing — a fake HAProxy for tests, a conformance suite, and helpers to start a real one.
 * This entry imports no test framework; see `@haproxyadmin/testing/vitest` for vitest helpers.
 */
export * from './real-haproxy.js';
export * from './fake/index.js';
