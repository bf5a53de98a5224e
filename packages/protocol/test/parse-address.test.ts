import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatAddress,
  InvalidArgumentError,
  type ParsedAddress,
  parseAddress,
  parseStat,
} from '../src/index.js';
import { real } from './fixtures.js';

describe('parseAddress', () => {
  it.each<[string, ParsedAddress]>([
    ['1.2.3.4:80', { family: 'ipv4', host: '1.2.3.4', port: 80 }],
    ['127.0.0.1', { family: 'ipv4', host: '127.0.0.1' }],
    ['[::1]:8080', { family: 'ipv6', host: '::1', port: 8080 }],
    ['[2001:db8::7]', { family: 'ipv6', host: '2001:db8::7' }],
    ['::1', { family: 'ipv6', host: '::1' }],
    ['::ffff:10.0.0.1', { family: 'ipv6', host: '::ffff:10.0.0.1' }],
    ['fe80::1%eth0', { family: 'ipv6', host: 'fe80::1%eth0' }],
    ['1:2:3:4:5:6:7:8', { family: 'ipv6', host: '1:2:3:4:5:6:7:8' }],
    ['unix@/run/haproxy.sock', { family: 'unix', path: '/run/haproxy.sock' }],
    ['/run/haproxy.sock', { family: 'unix', path: '/run/haproxy.sock' }],
    ['unix', { family: 'unix' }],
    ['abns@my-socket', { family: 'abns', path: 'my-socket' }],
    ['ipv4@127.0.0.1:9999', { family: 'ipv4', host: '127.0.0.1', port: 9999 }],
    ['ipv6@[::1]:9999', { family: 'ipv6', host: '::1', port: 9999 }],
    ['ipv6@::1', { family: 'ipv6', host: '::1' }],
    ['fd@3', { family: 'fd', fd: 3 }],
    ['sockpair@4', { family: 'sockpair', fd: 4 }],
    ['localhost:8080', { family: 'hostname', host: 'localhost', port: 8080 }],
    ['api.example.com:443', { family: 'hostname', host: 'api.example.com', port: 443 }],
    ['example.com.', { family: 'hostname', host: 'example.com.' }],
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    '',
    ' 1.2.3.4:80',
    '1.2.3.4:',
    '1.2.3.4:65536',
    '1.2.3.4:8o',
    '256.1.1.1:80',
    '01.2.3.4',
    '1.2.3',
    '[::1',
    '[::1]80',
    '[1.2.3.4]:80',
    '1:2:3:4:5:6:7:8:9',
    ':::1',
    'ipv4@[::1]:80',
    'ipv6@1.2.3.4:80',
    'udp@1.2.3.4:53',
    'unix@',
    'fd@x',
    'bad host:80',
    '-host:80',
  ])('rejects %j with InvalidArgumentError', (text) => {
    expect(() => parseAddress(text)).toThrow(InvalidArgumentError);
  });

  it('parses every addr of a real dump (IPv4, IPv6, unix)', () => {
    const addresses = parseStat(real('show-stat.csv'))
      .map((row) => row.addr)
      .filter((addr): addr is string => typeof addr === 'string');
    expect(addresses.map((addr) => parseAddress(addr).family).sort()).toContain('ipv6');
    expect(parseAddress('[::1]:20102')).toEqual({ family: 'ipv6', host: '::1', port: 20102 });
  });

  const address: fc.Arbitrary<ParsedAddress> = fc.oneof(
    fc.record(
      { family: fc.constant('ipv4' as const), host: fc.ipV4() },
      { requiredKeys: ['family', 'host'] },
    ),
    fc
      .tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 }))
      .map(([host, port]) => ({ family: 'ipv4' as const, host, port })),
    fc
      .tuple(fc.ipV6(), fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }))
      .map(([host, port]) =>
        port === undefined ? { family: 'ipv6' as const, host } : { family: 'ipv6' as const, host, port },
      ),
    fc
      .tuple(fc.domain(), fc.integer({ min: 0, max: 65535 }))
      .map(([host, port]) => ({ family: 'hostname' as const, host, port })),
    fc.stringMatching(/^\/[A-Za-z0-9_./-]{1,30}$/).map((path) => ({ family: 'unix' as const, path })),
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/).map((path) => ({ family: 'abns' as const, path })),
    fc.nat(1000).map((fd) => ({ family: 'fd' as const, fd })),
  );

  it('round-trips formatAddress → parseAddress', () => {
    fc.assert(
      fc.property(address, (value) => {
        expect(parseAddress(formatAddress(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but InvalidArgumentError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseAddress(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
