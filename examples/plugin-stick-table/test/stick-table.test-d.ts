import { HAProxy } from '@haproxyadmin/sdk';
import type { CallOptions, ProcessOutcome } from '@haproxyadmin/sdk/plugin';
import { expectTypeOf, test } from 'vitest';
import { type StickTable, type StickTableEntry, stickTablePlugin } from '../src/index.js';

test('hap.stickTable is typed from the command definitions', async () => {
  const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [stickTablePlugin()] });
  expectTypeOf(hap.stickTable.list).toEqualTypeOf<(options?: CallOptions) => Promise<StickTable[]>>();
  expectTypeOf(hap.stickTable.show).toEqualTypeOf<
    (table: string, options?: CallOptions) => Promise<ProcessOutcome<StickTableEntry[]>[]>
  >();
  expectTypeOf(hap.stickTable.set).toEqualTypeOf<
    (
      table: string,
      key: string,
      data: Readonly<Record<string, number>>,
      options?: CallOptions,
    ) => Promise<void>
  >();
  expectTypeOf(hap.stickTable.clear).toEqualTypeOf<
    (table: string, key?: string, options?: CallOptions) => Promise<void>
  >();
  // @ts-expect-error data values are numbers
  await hap.stickTable.set('t', 'k', { gpc0: '1' });
  // @ts-expect-error not installed
  hap.acl;
});
