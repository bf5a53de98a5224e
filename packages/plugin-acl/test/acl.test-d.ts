import { HAProxy } from '@haproxyadmin/sdk';
import type { AclEntry, AclMatch, CallOptions, PatternReference } from '@haproxyadmin/sdk/plugin';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type AclEntryRef,
  type AclReplaceOptions,
  type AclReplaceResult,
  type AclSyncOptions,
  type AclSyncResult,
  aclPlugin,
  addAclEntry,
  replaceAcl,
} from '../src/index.js';

type Id = number | string;

describe('hap.acl types', () => {
  test('exact signatures, no any', async () => {
    const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [aclPlugin()] });
    expectTypeOf(hap.acl.list).toEqualTypeOf<(options?: CallOptions) => Promise<PatternReference[]>>();
    expectTypeOf(hap.acl.show).toEqualTypeOf<(id: Id, options?: CallOptions) => Promise<AclEntry[]>>();
    expectTypeOf(hap.acl.add).toEqualTypeOf<
      (id: Id, pattern: string, options?: CallOptions) => Promise<void>
    >();
    expectTypeOf(hap.acl.del).toEqualTypeOf<
      (id: Id, patternOrRef: string | AclEntryRef, options?: CallOptions) => Promise<void>
    >();
    expectTypeOf(hap.acl.clear).toEqualTypeOf<(id: Id, options?: CallOptions) => Promise<void>>();
    expectTypeOf(hap.acl.get).toEqualTypeOf<
      (id: Id, value: string, options?: CallOptions) => Promise<AclMatch>
    >();
    expectTypeOf(hap.acl.replace).toEqualTypeOf<
      (id: Id, patterns: readonly string[], options?: AclReplaceOptions) => Promise<AclReplaceResult>
    >();
    expectTypeOf(hap.acl.sync).toEqualTypeOf<
      (id: Id, desired: Iterable<string>, options?: AclSyncOptions) => Promise<AclSyncResult>
    >();
    expectTypeOf(hap.acl).not.toBeAny();
    expectTypeOf(hap.execute(addAclEntry, 0, '/x')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(hap.execute(replaceAcl, '/f.acl', ['/x'], { onProgress: () => {} })).toEqualTypeOf<
      Promise<AclReplaceResult>
    >();
  });

  test('mistakes are type errors', async () => {
    const hap = await HAProxy.connect({ socketDir: '/run/haproxy', plugins: [aclPlugin()] });
    // @ts-expect-error the map plugin is not installed
    hap.map;
    // @ts-expect-error missing pattern
    await hap.acl.add(0);
    // @ts-expect-error a pattern is a string
    await hap.acl.add(0, 42);
    // @ts-expect-error too many arguments
    await hap.acl.clear(0, {}, 1);
    // @ts-expect-error onProgress belongs to replace/sync
    await hap.acl.add(0, '/x', { onProgress: () => {} });
    // @ts-expect-error ids are numbers or strings
    await hap.acl.show(true);
  });
});
