import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  parseAclEntries,
  parseAclList,
  parseAclMatch,
  parseMapEntries,
  parseMapList,
  parseMapMatch,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

describe('parseAclList / parseMapList', () => {
  it('reads file-backed and inline ACLs with their counters', () => {
    const acls = parseAclList(transcript('show-acl.txt'));
    expect(acls).toHaveLength(6);
    expect(acls[0]).toEqual({
      id: 0,
      file: '$LAB/hap1/blocked.acl',
      description:
        "pattern loaded from file '$LAB/hap1/blocked.acl' used by acl at file '$LAB/hap1/haproxy.cfg' line 18.",
      currentVersion: 0,
      nextVersion: 0,
      entryCount: 2,
    });
    expect(acls[1]).toMatchObject({
      id: 1,
      file: undefined,
      description: "acl 'path_beg' file '$LAB/hap1/haproxy.cfg' line 18.",
    });
    expect(acls[4]).toMatchObject({
      id: 4,
      file: undefined,
      description: "acl 'var' file 'httpclient' line 0.",
      entryCount: 1,
    });
  });

  it('keeps the wrapped u64 entry counter of HAProxy 2.6 exact', () => {
    for (const text of [transcript('show-acl-overflow.txt'), real('show-acl-overflow.txt')]) {
      expect(parseAclList(text).find((acl) => acl.id === 2)?.entryCount).toBe(18446744073709551615n);
    }
  });

  it('reads maps (ids shared with ACLs)', () => {
    expect(parseMapList(transcript('show-map.txt'))).toEqual([
      {
        id: 6,
        file: '$LAB/hap1/routes.map',
        description:
          "pattern loaded from file '$LAB/hap1/routes.map' used by map at file '$LAB/hap1/haproxy.cfg' line 21.",
        currentVersion: 0,
        nextVersion: 0,
        entryCount: 3,
      },
    ]);
    expect(parseMapList(real('show-map.txt'))[0]).toMatchObject({ id: 7, file: '/tmp/hap/routes.map' });
  });

  it('reads lists without version counters (before 2.4) and empty lists', () => {
    expect(
      parseAclList("# id (file) description\n0 (/etc/a.acl) pattern loaded from file '/etc/a.acl'\n\n")[0],
    ).toEqual({
      id: 0,
      file: '/etc/a.acl',
      description: "pattern loaded from file '/etc/a.acl'",
      currentVersion: undefined,
      nextVersion: undefined,
      entryCount: undefined,
    });
    expect(parseMapList('# id (file) description\n\n')).toEqual([]);
  });

  it('rejects error replies', () => {
    expect(() => parseAclList('Permission denied\n\n')).toThrow(ProtocolError);
    expect(() => parseMapList(real('error-permission.txt'))).toThrow(ProtocolError);
  });
});

describe('parseAclEntries / parseMapEntries', () => {
  it('reads ACL patterns, spaces included', () => {
    expect(parseAclEntries(transcript('show-acl-0.txt'))).toEqual([
      { ref: '0x560107e48c70', value: '/admin' },
      { ref: '0x560107e48cc0', value: '/private' },
    ]);
    expect(parseAclEntries(real('show-acl-0.txt'))[2]).toMatchObject({ value: '/has space' });
    expect(parseAclEntries('\n')).toEqual([]);
  });

  it('reads map entries; the value is the rest of the line', () => {
    expect(parseMapEntries(transcript('show-map-entries.txt'))).toEqual([
      { ref: '0x560107e6fa80', key: '/api', value: 'be_api' },
      { ref: '0x560107e6fb10', key: '/static', value: 'be_app' },
      { ref: '0x560107e6fba0', key: '/tcp', value: 'be_tcp' },
      { ref: '0x560107e481c0', key: '/v2', value: 'be_api' },
      { ref: '0x7f16d8038510', key: '/v2', value: 'be_app' },
    ]);
    // HAProxy prints the key `/with space` unescaped: the first word is taken as the key.
    expect(parseMapEntries(real('show-map-entries.txt'))[3]).toMatchObject({
      key: '/with',
      value: 'space a value with spaces',
    });
  });

  it('rejects error replies', () => {
    expect(() => parseAclEntries('Unknown ACL identifier. Please use #<id> or <file>.\n\n')).toThrow(
      ProtocolError,
    );
    expect(() => parseMapEntries('Unknown map identifier. Please use #<id> or <file>.\n\n')).toThrow(
      ProtocolError,
    );
  });

  it('round-trips arbitrary values and throws only ProtocolError on garbage', () => {
    const ref = fc.bigInt({ min: 1n, max: 2n ** 48n }).map((n) => `0x${n.toString(16)}`);
    const value = fc.string({ minLength: 1 }).filter((v) => !v.includes('\n'));
    const key = fc.string({ minLength: 1 }).filter((v) => !/[\n ]/.test(v));
    fc.assert(
      fc.property(fc.array(fc.tuple(ref, key, value)), (entries) => {
        const acl = entries.map(([r, , v]) => `${r} ${v}`).join('\n');
        expect(parseAclEntries(`${acl}\n\n`)).toEqual(entries.map(([r, , v]) => ({ ref: r, value: v })));
        const map = entries.map(([r, k, v]) => `${r} ${k} ${v}`).join('\n');
        expect(parseMapEntries(`${map}\n\n`)).toEqual(
          entries.map(([r, k, v]) => ({ ref: r, key: k, value: v })),
        );
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        for (const parse of [
          parseAclEntries,
          parseMapEntries,
          parseAclList,
          parseMapList,
          parseAclMatch,
          parseMapMatch,
        ]) {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseAclMatch / parseMapMatch', () => {
  it('reads `get acl` results', () => {
    expect(parseAclMatch(transcript('get-acl-match.txt'))).toEqual({
      match: true,
      type: 'beg',
      caseSensitive: true,
      index: 'tree',
      pattern: '/foo',
    });
    expect(parseAclMatch(transcript('get-acl-nomatch.txt'))).toEqual({
      match: false,
      type: 'beg',
      caseSensitive: true,
    });
    expect(parseAclMatch(real('get-acl-ip.txt'))).toMatchObject({
      match: true,
      type: 'ip',
      pattern: '10.0.0.0/8',
    });
  });

  it('reads `get map` results, including value=none and keys with spaces', () => {
    expect(parseMapMatch(transcript('get-map-found.txt'))).toEqual({
      found: true,
      type: 'beg',
      caseSensitive: true,
      index: 'tree',
      key: '/v2',
      value: 'be_api',
      valueType: 'str',
    });
    expect(parseMapMatch(transcript('get-map-value-none.txt'))).toMatchObject({
      found: true,
      key: '/v2',
      value: null,
    });
    expect(parseMapMatch(transcript('get-map-notfound.txt'))).toEqual({
      found: false,
      type: 'beg',
      caseSensitive: true,
    });
    expect(parseMapMatch(real('get-map-space.txt'))).toMatchObject({
      key: '/with space',
      value: 'a value with spaces',
    });
  });

  it('keeps quotes and ", " inside quoted values (HAProxy does not escape them)', () => {
    const line =
      'type=str, case=insensitive, found=yes, idx=tree, key="a, "b"", value="x, y="z"", type="str"\n\n';
    expect(parseMapMatch(line)).toMatchObject({
      caseSensitive: false,
      key: 'a, "b"',
      value: 'x, y="z"',
      valueType: 'str',
    });
    fc.assert(
      fc.property(
        fc.string().filter((v) => !v.includes('\n') && !/", [a-z_]+=/.test(v)),
        (pattern) => {
          expect(
            parseAclMatch(`type=beg, case=sensitive, match=yes, idx=tree, pattern="${pattern}"\n\n`).pattern,
          ).toBe(pattern);
        },
      ),
    );
  });

  it('rejects error replies', () => {
    expect(() => parseAclMatch('Missing ACL identifier and/or key.\n\n')).toThrow(ProtocolError);
    expect(() => parseMapMatch('Unknown map identifier. Please use #<id> or <file>.\n\n')).toThrow(
      ProtocolError,
    );
    expect(() => parseMapMatch('type=beg, case=maybe, found=no\n')).toThrow(ProtocolError);
  });
});
