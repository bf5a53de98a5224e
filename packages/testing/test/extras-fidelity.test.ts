/**
 * The commands of the SDK's runtime-API extras (stick tables, sessions, errors, resolvers, SSL), sent
 * in the same order to a real HAProxy 2.6.12 and to the fake started from the same configuration:
 * every reply must be identical once pointers, expiry timers and dates are masked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeHAProxy, type FakeHAProxy, type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';

const CONFIG = `
global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats socket \${dir}/user.sock mode 600 level user
    stats socket \${dir}/operator.sock mode 600 level operator
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
resolvers dns1
    nameserver ns1 127.0.0.1:\${port:dns}
    nameserver ns2 127.0.0.2:\${port:dns}
resolvers dns2
    nameserver only 127.0.0.3:53
frontend fe
    bind 127.0.0.1:\${port:fe}
    http-request return status 200
backend st_users
    stick-table type string len 32 size 1k expire 10m store gpc0,http_req_cnt,http_req_rate(10s)
backend st_ip
    stick-table type ip size 2k expire 1m store conn_cur,http_req_cnt
`;

const SCRIPT: readonly string[] = [
  'show table',
  'show table st_users',
  'show table nosuch',
  'set table st_users key alice data.gpc0 7',
  'set table st_users key bob data.gpc0 1 data.http_req_cnt 5',
  'set table st_users key carol',
  'show table st_users',
  'show table st_users key bob',
  'show table st_users key nobody',
  'show table st_users data.gpc0 gt 1',
  'show table st_users data.gpc0 ge 1 data.http_req_cnt gt 1',
  'show table st_users data.nope eq 1',
  'show table st_users data.gpc0 xx 1',
  'set table st_users key dave data.conn_cur 1',
  'set table st_users key dave data.gpc0 abc',
  'set table st_users key',
  'set table nosuch key a data.gpc0 1',
  'set table st_ip key 10.0.0.1 data.http_req_cnt 3',
  'show table',
  'clear table st_users key bob',
  'clear table st_users data.gpc0 eq 7',
  'show table st_users',
  'clear table st_users',
  'show table st_users',
  'clear table nosuch',
  'show sess 0xdeadbeef',
  'shutdown session 0xdeadbeef',
  'shutdown session',
  'show errors',
  'show errors fe',
  'show errors 0',
  'show errors -1 request',
  'show errors nosuch',
  'show resolvers nosuch',
  'show resolvers default',
  'show resolvers',
  'show resolvers dns1',
  'show resolvers dns2',
  'show ssl crt-list /nope',
  'show ssl ocsp-response /nope',
  'commit ssl cert',
  'abort ssl cert',
  'show ssl cert',
  'show ssl cert /nope.pem',
  'show ssl crt-list',
  'show ssl ocsp-response',
  'abort ssl cert /nope.pem',
  'commit ssl cert /nope.pem',
  'update ssl ocsp-response /nope.pem',
];

/** Mask what differs between two processes: pointers, expiry timers, capture dates. */
function mask(reply: string): string {
  // Unknown commands: the suggestion list comes from the fake's help engine; compare the verdict.
  if (reply.startsWith('Unknown command')) return reply.slice(0, reply.indexOf('\n'));
  return reply
    .replace(/0x[0-9a-f]+:/g, '0xPTR:')
    .replace(/ exp=\d+/g, ' exp=T')
    .replace(/\[\d\d\/\w+\/\d{4}:[\d:.]+\]/g, '[DATE]');
}

const available = haproxyAvailable();

describe.skipIf(!available)('extras: fake replies match a real HAProxy 2.6.12', () => {
  let real: RealHAProxy;
  let fake: FakeHAProxy;
  beforeAll(async () => {
    real = await startHAProxy({ config: CONFIG });
    fake = await createFakeHAProxy({ config: CONFIG });
  });
  afterAll(async () => {
    await fake?.close();
    await real?.stop();
  });

  it('every command of the script', async () => {
    const mismatches: string[] = [];
    for (const command of SCRIPT) {
      const expected = mask(await real.send(command));
      const actual = mask(await fake.send(command));
      if (expected !== actual)
        mismatches.push(
          `${command}\n--- real\n${JSON.stringify(expected)}\n--- fake\n${JSON.stringify(actual)}`,
        );
    }
    expect(mismatches).toEqual([]);
  });

  it('the same commands at the user and operator levels', async () => {
    await real.send('set table st_users key alice data.gpc0 1');
    await fake.send('set table st_users key alice data.gpc0 1');
    const mismatches: string[] = [];
    for (const level of ['user', 'operator']) {
      for (const command of LEVEL_SCRIPT) {
        const expected = mask(await real.send(command, `${real.dir}/${level}.sock`));
        const actual = mask(await fake.send(command, `${fake.socketDir}/${level}.sock`));
        if (expected !== actual)
          mismatches.push(
            `${level}: ${command}\n--- real\n${JSON.stringify(expected)}\n--- fake\n${JSON.stringify(actual)}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });
});

const LEVEL_SCRIPT: readonly string[] = [
  'show table',
  'show table st_users',
  'set table st_users key bob data.gpc0 2',
  'clear table st_users key bob',
  'show errors',
  'shutdown session 0xdeadbeef',
  'show resolvers nosuch',
  'show ssl cert',
  'show ssl crt-list',
  'abort ssl cert /x.pem',
];
