import { describe, expectTypeOf, it } from 'vitest';
import type {
  Backend,
  Frontend,
  HAProxy,
  MetricValue,
  PerProcessValue,
  ProcessRef,
  Server,
  ServerSnapshot,
  Snapshot,
} from '../src/index.js';

declare const hap: HAProxy;
declare const server: Server;
declare const frontend: Frontend;

describe('object model types', () => {
  it('lookups', () => {
    expectTypeOf(hap.server('s1')).resolves.toEqualTypeOf<Server[]>();
    expectTypeOf(hap.server('s1', { backend: 'be' })).resolves.toEqualTypeOf<Server[]>();
    expectTypeOf(hap.frontend('fe')).resolves.toEqualTypeOf<Frontend>();
    expectTypeOf(hap.backends(undefined, { signal: AbortSignal.timeout(1) })).resolves.toEqualTypeOf<
      Backend[]
    >();
    expectTypeOf(hap.snapshot()).resolves.toEqualTypeOf<Snapshot>();
    expectTypeOf<Snapshot['servers']>().toEqualTypeOf<readonly ServerSnapshot[]>();
  });

  it('typed values', () => {
    expectTypeOf(server.weight()).resolves.toEqualTypeOf<number>();
    expectTypeOf(server.port()).resolves.toEqualTypeOf<number | null>();
    expectTypeOf(server.metric('scur')).resolves.toEqualTypeOf<MetricValue>();
    expectTypeOf(hap.maxConnPerProcess()).resolves.toEqualTypeOf<PerProcessValue<number>[]>();
    expectTypeOf(hap.version()).resolves.toEqualTypeOf<string>();
    expectTypeOf(hap.description()).resolves.toEqualTypeOf<string | undefined>();
    expectTypeOf(server.processNb).toEqualTypeOf<readonly number[]>();
    expectTypeOf(server.processes).toEqualTypeOf<readonly ProcessRef[]>();
    expectTypeOf(server.sid).toEqualTypeOf<number>();
  });

  it('refuses what cannot be right at compile time', () => {
    // @ts-expect-error not a server metric
    void server.metric('nosuch');
    // @ts-expect-error a frontend has no weight metric
    void frontend.metric('weight');
    // @ts-expect-error not a state
    void server.setState('up');
    // @ts-expect-error a percentage must end with %
    void server.setWeight('50');
    // @ts-expect-error sid is read-only
    server.sid = 3;
    // @ts-expect-error not an HAProxy metric
    void hap.metric('scur');
  });
});
