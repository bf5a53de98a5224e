/**
 * The server commands the SDK's server writes, drain and dynamic servers use, sent in the same
 * order to a real HAProxy 2.6.12 and to the fake started from the same configuration: every reply
 * must be byte-identical (time-dependent columns normalised).
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeHAProxy, type FakeHAProxy, startHAProxy, type RealHAProxy } from '@haproxyadmin/testing';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';

export const SERVERS_CONFIG = `
global
    nbthread 2
    stats socket \${dir}/admin.sock mode 600 level admin
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:\${port:web} check inter 60s
    server s2 127.0.0.1:\${port:s2} agent-check agent-port \${port:agent} agent-inter 60s
    server s3 127.0.0.1:\${port:s3}
    server s4 127.0.0.1:\${port:s4} weight 7 maxconn 30
    server s5 127.0.0.1:\${port:s5} ssl verify none
resolvers dns
    nameserver ns1 127.0.0.1:\${port:dns}
backend be_fqdn
    server r1 127.0.0.1:\${port:r1} resolvers dns init-addr none
backend bt
    server s1 127.0.0.1:\${port:s1} check inter 60s
    server t1 127.0.0.1:\${port:s3} track s1
backend bt2
    server t2 127.0.0.1:\${port:s3} track bt/s1
backend be_static
    balance first
    server f1 127.0.0.1:\${port:f1}
backend be_map
    balance source
    server f1 127.0.0.1:\${port:f1}
backend be_consistent
    balance source
    hash-type consistent
    server f1 127.0.0.1:\${port:f1}
backend be_static_rr
    balance static-rr
    server f1 127.0.0.1:\${port:f1}
`;

/** Commands in order; state carries over from one to the next. */
export const SERVER_SCRIPT: readonly string[] = [
  'enable health be/s1',
  'disable health be/s1',
  'show servers state be',
  'enable health be/s1',
  'enable health be/s3',
  'disable health be/s3',
  'enable agent be/s2',
  'disable agent be/s2',
  'show servers state be',
  'enable agent be/s2',
  'enable agent be/s1',
  'disable agent be/s1',
  'set server be/s1 health down',
  'show servers state be',
  'set server be/s1 health stopping',
  'show servers state be',
  'show stat be 4 -1',
  'set server be/s1 health up',
  'set server be/s1 health bogus',
  'set server be/s3 health down',
  'set server be/s1 agent up',
  'set server be/s2 agent down',
  'show servers state be',
  'set server be/s2 agent up',
  'set server be/s2 agent bogus',
  'set server be/s1 check-port 8080',
  'set server be/s3 check-port 8080',
  'set server be/s1 check-port abc',
  'set server be/s1 check-port 70000',
  'set server be/s2 agent-addr 127.0.0.2',
  'set server be/s1 agent-addr 127.0.0.2',
  'set server be/s2 agent-addr 127.0.0.3 port 4001',
  'set server be/s2 agent-addr 127.0.0.3 port abc',
  'set server be/s2 agent-addr 127.0.0.3 port 70000',
  'show servers state be',
  'set server be/s1 check-addr 127.0.0.4 port 4003',
  'show servers state be',
  'set server be/s2 agent-send hello',
  'set server be/s1 agent-send hello',
  'set server be/s1 fqdn foo.example',
  'set server be/s1 fqdn',
  'set server be_fqdn/r1 fqdn foo.example',
  'set server be_fqdn/r1 fqdn foo.example',
  'set server be_fqdn/r1 fqdn bar.example.',
  'set server be_fqdn/r1 fqdn bad_name!',
  'show servers state be_fqdn',
  'set maxconn server be/s1 100',
  'set maxconn server be/s1 abc',
  'set maxconn server be/s1',
  'set server be/s1 ssl on',
  'set server be/s1 ssl off',
  'set server be/s1 ssl bogus',
  'set server be/s5 ssl off',
  'set server be/s5 ssl on',
  'set server be/s5 ssl bogus',
  'set server be/s2 agent-port 70000',
  'set server be/s2 agent-port 4000',
  'set server be/s1 agent-port 4000',
  'set server be/s4 state drain',
  'show servers state be',
  'show stat be 4 -1',
  'set server be/s4 state maint',
  'show servers state be',
  'set server be/s4 state ready',
  'show servers conn be',
  'show servers conn nosuch',
  'add server be/d1 127.0.0.1:26999',
  'add server be/d1 127.0.0.1:26998',
  'add server be/d2 127.0.0.1:26998 frobnicate',
  'add server be/d3 127.0.0.1:26997 weight 5 maxconn 10 check inter 60s backup',
  'add server nosuch/x 127.0.0.1:26997',
  'add server be/d4',
  'add server be_static/d5 127.0.0.1:26996',
  'add server be_map/d5 127.0.0.1:26996',
  'add server be_consistent/d5 127.0.0.1:26996',
  'add server be_static_rr/d5 127.0.0.1:26996',
  'add server be/n9 127.0.0.1:3 id 1',
  'add server be/n9 127.0.0.1:3 id 0',
  'add server be/n9 127.0.0.1:3 id abc',
  'add server be/n8 127.0.0.1:3 weight 300',
  'add server be/n8 127.0.0.1:3 agent-check',
  'add server be/n2 127.0.0.1:80 cookie abc',
  'add server be/n1 127.0.0.1:80 weight 0 id 40',
  'set server be/n1 ssl off',
  'show servers state be',
  'del server be/n1',
  'show servers state be',
  'enable server be/d3',
  'enable health be/d3',
  'show servers state be',
  'del server be/d3',
  'set server be/d3 state maint',
  'del server be/d3',
  'del server be/d1',
  'del server be/nosuch',
  'del server nosuch/x',
  'del server be',
  'show servers state be',
  'show servers conn be',
  'del server bt/s1',
  'set server bt/s1 state maint',
  'del server bt/s1',
  'del server bt/t1',
  'set server bt/t1 state maint',
  'del server bt/t1',
  'del server bt/s1',
  'del server bt2/t2',
  'del server bt/s1',
];

/** Remove what differs between two runs: time since last change, check durations. */
export function normalise(command: string, reply: string): string {
  if (command.startsWith('add server')) {
    // HAProxy names the configuration file and line of a server holding an id.
    return reply.replace(/ already used at \S+:\d+ /, ' already used at <config> ');
  }
  if (command.startsWith('show servers state')) {
    // srv_time_since_last_change (10th column) depends on timing.
    return reply
      .split('\n')
      .map((line) => {
        if (line.startsWith('#') || !line.includes(' ')) return line;
        const columns = line.split(' ');
        columns[9] = 'T';
        return columns.join(' ');
      })
      .join('\n');
  }
  if (command.startsWith('show stat')) {
    // keep the identity and state columns only
    return reply
      .split('\n')
      .map((line) =>
        line
          .split(',')
          .slice(0, 2)
          .concat(line.split(',')[17] ?? '', line.split(',')[18] ?? '')
          .join(','),
      )
      .join('\n');
  }
  return reply;
}

const real = haproxyAvailable();

describe.skipIf(!real)('server commands: fake answers like real HAProxy 2.6.12', () => {
  let hap: RealHAProxy;
  let fake: FakeHAProxy;
  let web: NetServer;
  beforeAll(async () => {
    // s1's health checks succeed on both: a listener is up before HAProxy starts.
    web = createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    // The same port numbers on both, so that replies can be compared byte for byte.
    const ports = new Map<string, number>([['web', (web.address() as AddressInfo).port]]);
    let next = 26_100 + (process.pid % 400);
    const config = SERVERS_CONFIG.replace(/\$\{port:(\w+)\}/g, (_, name: string) => {
      if (!ports.has(name)) ports.set(name, next++);
      return String(ports.get(name));
    });
    hap = await startHAProxy({ config });
    fake = await createFakeHAProxy({ config });
    const deadline = Date.now() + 10_000;
    while (!/^be,s1,(?:[^,]*,){15}UP,/m.test(await hap.send('show stat be 4 -1'))) {
      if (Date.now() > deadline) throw new Error('be/s1 never came UP');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    web?.close();
    await hap?.stop();
    await fake?.close();
  });

  it('every reply is identical', async () => {
    const mismatches: string[] = [];
    for (const command of SERVER_SCRIPT) {
      const expected = normalise(command, await hap.send(command));
      const actual = normalise(command, await fake.send(command));
      if (expected !== actual) {
        mismatches.push(
          `$ ${command}\n--- real\n${JSON.stringify(expected)}\n--- fake\n${JSON.stringify(actual)}`,
        );
      }
    }
    if (process.env.FIDELITY_OUT)
      (await import('node:fs')).writeFileSync(process.env.FIDELITY_OUT, mismatches.join('\n\n'));
    expect(mismatches.join('\n\n')).toBe('');
  });
});
