/** Bad input shared by the tests proving that nothing invalid ever reaches HAProxy. */
import type { Frontend, HAProxy, Server } from '../src/index.js';

/**
 * Every numeric write (global maxconn and rate limits, frontend maxconn, server weight and port)
 * called with each of `values`, as untyped code could: one attempt per write and value.
 */
export function numericWrites(
  hap: HAProxy,
  frontend: Frontend,
  server: Server,
  values: readonly unknown[],
): Array<() => Promise<unknown>> {
  return values.flatMap((value) => {
    const n = value as number;
    return [
      () => hap.setMaxConn(n),
      () => hap.setRateLimitConn(n),
      () => hap.setRateLimitSess(n),
      () => hap.setRateLimitSslSess(n),
      () => frontend.setMaxConn(n),
      () => server.setWeight(n),
      () => server.setPort(n),
    ];
  });
}
