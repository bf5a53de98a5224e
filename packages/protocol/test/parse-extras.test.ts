/** parseSessions, parseResolvers, parseSslCertList, parseSslCert, parseCrtList on real 2.6.12 replies. */
import { describe, expect, it } from 'vitest';
import {
  checkReply,
  parseCrtList,
  parseHumanDuration,
  parseResolvers,
  parseSessions,
  parseSslCert,
  parseSslCertList,
  ProtocolError,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

const body = (raw: string, command = 'x') => checkReply(command, raw);

describe('parseSessions', () => {
  it('reads every stream of show sess', () => {
    const [cli, tcp] = parseSessions(body(transcript('show-sess.txt')));
    expect(cli).toMatchObject({
      ptr: '0x560107f23b40',
      proto: 'unix_stream',
      source: 'unix:1',
      frontend: 'GLOBAL',
      backend: undefined,
      server: undefined,
      age: '0s',
      ageSeconds: 0,
      calls: 2,
      expire: '2m',
    });
    expect(tcp).toMatchObject({
      ptr: '0x7f16d8032750',
      proto: 'tcpv4',
      source: '127.0.0.1:52164',
      frontend: 'fe_tcp',
      backend: 'be_tcp',
      server: 't2',
      ageSeconds: 1,
      rate: 3,
    });
    expect(tcp!.fields.rq).toBe('f=808000h,i=0,an=00h,rx=28s,wx=,ax=');
    expect(tcp!.fields.scf).toBe('[8,0h,fd=17]');
    expect(parseSessions(body(real('show-sess.txt')))).toHaveLength(1);
  });

  it('durations and refusals', () => {
    expect(parseHumanDuration('1d2h3m4s')).toBe(93784);
    expect(parseHumanDuration('2m')).toBe(120);
    expect(parseHumanDuration('')).toBeUndefined();
    expect(parseHumanDuration('soon')).toBeUndefined();
    expect(parseSessions('')).toEqual([]);
    expect(() => parseSessions('Session not found.\n')).toThrow(ProtocolError);
    expect(() => parseSessions('0x1: flags=0x0\n')).toThrow(ProtocolError);
  });
});

describe('parseResolvers', () => {
  it('reads sections, nameservers and counters', () => {
    const sections = parseResolvers(body(real('show-resolvers.txt')));
    expect(sections.map((section) => section.name)).toEqual(['dns1', 'default']);
    expect(sections[0]!.nameservers[0]!.name).toBe('ns1');
    expect(Object.keys(sections[0]!.nameservers[0]!.counters)).toEqual([
      'sent',
      'snd_error',
      'valid',
      'update',
      'cname',
      'cname_error',
      'any_err',
      'nx',
      'timeout',
      'refused',
      'other',
      'invalid',
      'too_big',
      'truncated',
      'outdated',
    ]);
    expect(() => parseResolvers("Can't find that resolvers section\n")).toThrow(ProtocolError);
  });
});

describe('SSL parsers', () => {
  it('show ssl cert: files and transactions', () => {
    expect(parseSslCertList(body(real('show-ssl-cert-list.txt')))).toEqual({
      transactions: [],
      files: ['/tmp/hx/cert.pem'],
    });
    expect(parseSslCertList(body(real('show-ssl-cert-transaction.txt')))).toEqual({
      transactions: ['/tmp/hx/cert.pem'],
      files: ['/tmp/hx/cert.pem'],
    });
    expect(parseSslCertList('')).toEqual({ transactions: [], files: [] });
    expect(() => parseSslCertList('/x.pem\n')).toThrow(ProtocolError);
  });

  it('show ssl cert <file>: details', () => {
    const info = parseSslCert(body(real('show-ssl-cert.txt')));
    expect(info).toMatchObject({
      filename: '/tmp/hx/cert.pem',
      status: 'Used',
      subject: '/CN=test.local',
      issuer: '/CN=test.local',
      algorithm: 'RSA2048',
      subjectAltNames: [],
      chain: [],
    });
    expect(info.serial).toMatch(/^[0-9A-F]+$/);
    expect(info.notAfter).toMatch(/GMT$/);
    expect(info.fields['OCSP Response Key']).toBe('');
    expect(() => parseSslCert('Status: Used\n')).toThrow(ProtocolError);
  });

  it('show ssl crt-list: lists, then one list with options and filters (2.6 prints a NUL after ALPN)', () => {
    expect(parseCrtList(body(real('show-ssl-crt-lists.txt')))).toEqual({
      list: undefined,
      files: ['/tmp/hx/list.txt'],
      entries: [],
    });
    // The exact line HAProxy 2.6.12 printed for `… [alpn h2,http/1.1] first.test` (NUL included).
    const parsed = parseCrtList(
      '# /tmp/l.txt\n/tmp/c.pem [alpn h2,http/1.1\0] first.test !b.test\n/tmp/d.pem\n',
    );
    expect(parsed.list).toBe('/tmp/l.txt');
    expect(parsed.entries).toEqual([
      {
        cert: '/tmp/c.pem',
        options: 'alpn h2,http/1.1',
        filters: ['first.test', '!b.test'],
        line: '/tmp/c.pem [alpn h2,http/1.1\0] first.test !b.test',
      },
      { cert: '/tmp/d.pem', options: undefined, filters: [], line: '/tmp/d.pem' },
    ]);
  });
});
