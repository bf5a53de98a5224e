import { HAProxy } from '@haproxyadmin/sdk';
import type { CallOptions, MapEntry, MapMatch, PatternReference } from '@haproxyadmin/sdk/plugin';
import { describe, expectTypeOf, test } from 'vitest';
import { aclPlugin } from '@haproxyadmin/plugin-acl';
import {
  type MapEntriesInput,
  type MapEntryRef,
  type MapReplaceOptions,
  type MapReplaceResult,
  type MapSyncOptions,
  type MapSyncResult,
  mapPlugin,
  setMapEntry,
} from '../src/index.js';

type Id = number | string;

describe('hap.map types', () => {
  test('exact signatures, no any', async () => {
    const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [mapPlugin()] });
    expectTypeOf(hap.map.list).toEqualTypeOf<(options?: CallOptions) => Promise<PatternReference[]>>();
    expectTypeOf(hap.map.show).toEqualTypeOf<(id: Id, options?: CallOptions) => Promise<MapEntry[]>>();
    expectTypeOf(hap.map.add).toEqualTypeOf<
      (id: Id, key: string, value: string, options?: CallOptions) => Promise<void>
    >();
    expectTypeOf(hap.map.set).toEqualTypeOf(hap.map.add);
    expectTypeOf(hap.map.del).toEqualTypeOf<
      (id: Id, keyOrRef: string | MapEntryRef, options?: CallOptions) => Promise<void>
    >();
    expectTypeOf(hap.map.clear).toEqualTypeOf<(id: Id, options?: CallOptions) => Promise<void>>();
    expectTypeOf(hap.map.get).toEqualTypeOf<
      (id: Id, key: string, options?: CallOptions) => Promise<MapMatch>
    >();
    expectTypeOf(hap.map.replace).toEqualTypeOf<
      (id: Id, entries: MapEntriesInput, options?: MapReplaceOptions) => Promise<MapReplaceResult>
    >();
    expectTypeOf(hap.map.sync).toEqualTypeOf<
      (id: Id, desired: MapEntriesInput, options?: MapSyncOptions) => Promise<MapSyncResult>
    >();
    expectTypeOf(hap.map).not.toBeAny();
    expectTypeOf(hap.execute(setMapEntry, 6, 'k', 'v')).toEqualTypeOf<Promise<void>>();
  });

  test('both plugins together; mistakes are type errors', async () => {
    const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [aclPlugin(), mapPlugin()] });
    expectTypeOf(hap.acl.add).toEqualTypeOf<
      (id: Id, pattern: string, options?: CallOptions) => Promise<void>
    >();
    await hap.map.replace('/etc/haproxy/routes.map', { '/api': 'be_api' });
    await hap.map.replace(6, new Map([['/api', 'be_api']]));
    await hap.map.replace(6, [['/api', 'be_api']]);
    await hap.map.replace(6, [{ key: '/api', value: 'be_api' }]);
    // @ts-expect-error values are strings
    await hap.map.replace(6, { '/api': 1 });
    // @ts-expect-error missing value
    await hap.map.set(6, 'k');
    // @ts-expect-error not a plugin namespace
    hap.stickTable;
    const onlyMap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [mapPlugin()] });
    // @ts-expect-error the ACL plugin is not installed
    onlyMap.acl;
  });
});
