import type { CapturedError, FieldValue, ResolversSection } from '@haproxyadmin/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  HAProxy,
  ProcessRef,
  ReloadResult,
  Session,
  SslCertDetails,
  TableContents,
  TableInfo,
  Transport,
} from '../src/index.js';
import { httpStatsTransport } from '../src/index.js';

declare const hap: HAProxy;

describe('runtime API extras types', () => {
  it('reload', () => {
    expectTypeOf(hap.reload()).resolves.toEqualTypeOf<ReloadResult>();
    expectTypeOf<ReloadResult['ok']>().toEqualTypeOf<true>();
    expectTypeOf<ReloadResult['newWorkers']>().toEqualTypeOf<readonly number[]>();
    // @ts-expect-error timeout is a number
    hap.reload({ timeout: '1s' });
  });

  it('tables', () => {
    expectTypeOf(hap.tables()).resolves.toEqualTypeOf<TableInfo[]>();
    expectTypeOf(hap.table('t')).resolves.toEqualTypeOf<TableContents>();
    expectTypeOf<TableContents['entries'][number]['data']>().toEqualTypeOf<
      Readonly<Record<string, FieldValue | null>>
    >();
    hap.table('t', { filter: [{ data: 'gpc0', op: 'gt', value: 1n }] });
    // @ts-expect-error unknown operator
    hap.table('t', { filter: { data: 'gpc0', op: 'like', value: 1 } });
    hap.setTableEntry('t', 'k', { gpc0: 1, http_req_cnt: 2n });
    // @ts-expect-error values are integers
    hap.setTableEntry('t', 'k', { gpc0: '1' });
  });

  it('sessions, errors, resolvers', () => {
    expectTypeOf(hap.sessions()).resolves.toEqualTypeOf<Session[]>();
    expectTypeOf<Session['process']>().toEqualTypeOf<ProcessRef>();
    expectTypeOf<Awaited<ReturnType<HAProxy['errors']>>[number]['errors']>().toEqualTypeOf<
      readonly CapturedError[]
    >();
    expectTypeOf<Awaited<ReturnType<HAProxy['resolvers']>>[number]['sections']>().toEqualTypeOf<
      ResolversSection[]
    >();
  });

  it('ssl and the HTTP transport', () => {
    expectTypeOf(hap.ssl.showCert('/a.pem')).resolves.toEqualTypeOf<SslCertDetails>();
    expectTypeOf(hap.ssl.commitCert('/a.pem')).resolves.toEqualTypeOf<void>();
    expectTypeOf(httpStatsTransport({ url: 'http://x/stats' })).toEqualTypeOf<Transport>();
  });
});
