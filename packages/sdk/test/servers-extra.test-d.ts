import { describe, expectTypeOf, it } from 'vitest';
import type {
  Backend,
  DrainProgress,
  DrainResult,
  HAProxy,
  HAProxyEvent,
  HAProxyEventType,
  ProcessServerState,
  ProcessServersConn,
  ProcessServersState,
  Server,
} from '../src/index.js';

declare const hap: HAProxy;
declare const server: Server;
declare const backend: Backend;

describe('servers, drain, events types', () => {
  it('server writes take only the documented values', () => {
    expectTypeOf(server.setHealth).parameter(0).toEqualTypeOf<'up' | 'down' | 'stopping'>();
    expectTypeOf(server.setAgent).parameter(0).toEqualTypeOf<'up' | 'down'>();
    expectTypeOf(server.setSsl).parameter(0).toEqualTypeOf<boolean>();
    expectTypeOf(server.state()).resolves.toEqualTypeOf<ProcessServerState[]>();
    expectTypeOf(backend.serversState()).resolves.toEqualTypeOf<ProcessServersState[]>();
    expectTypeOf(hap.serversConn()).resolves.toEqualTypeOf<ProcessServersConn[]>();
    // @ts-expect-error not a health state
    void server.setHealth('maint');
  });

  it('drain and dynamic servers', () => {
    expectTypeOf(server.drain()).resolves.toEqualTypeOf<DrainResult>();
    expectTypeOf(
      hap.drainServer('s1', { backend: 'all', timeout: 1000 }),
    ).resolves.toEqualTypeOf<DrainResult>();
    expectTypeOf<
      Parameters<NonNullable<Parameters<Server['drain']>[0]>['onProgress'] & {}>[0]
    >().toEqualTypeOf<DrainProgress>();
    expectTypeOf(
      backend.addServer('n1', '10.0.0.1:80', { weight: 10, check: true, enable: true }),
    ).resolves.toEqualTypeOf<Server>();
    // @ts-expect-error cookie is refused by HAProxy 2.6 for dynamic servers
    void backend.addServer('n1', '10.0.0.1:80', { cookie: 'x' });
    expectTypeOf(server.delete({ drainTimeout: 1000 })).resolves.toEqualTypeOf<void>();
  });

  it('events', () => {
    const events = hap.events({ interval: 500, kinds: ['server-down'] });
    expectTypeOf(events).toMatchTypeOf<AsyncIterable<HAProxyEvent>>();
    expectTypeOf<HAProxyEvent['type']>().toEqualTypeOf<HAProxyEventType>();
    // @ts-expect-error unknown event type
    hap.events({ kinds: ['server-exploded'] });
  });
});
