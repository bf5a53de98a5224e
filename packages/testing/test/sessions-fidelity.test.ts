/**
 * Sessions held open through a frontend to a server: on a real HAProxy 2.6.12 by real client
 * connections (a TCP one relayed to an echo server, an HTTP one waiting for its response), on the
 * fake by `setSessions()`. `show sess`, `show sess <id>`, `shutdown session`, `shutdown sessions
 * server` and the `scur` they leave must agree once pointers, ports, ages, descriptors and timers
 * are masked.
 */
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeHAProxy, type FakeHAProxy, type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { normalize } from '@haproxyadmin/testing/conformance';
import { haproxyAvailable } from '@haproxyadmin/testing/vitest';

const CONFIG = `
global
    stats socket \${dir}/admin.sock mode 600 level admin
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe_http
    bind 127.0.0.1:\${port:fe_http}
    default_backend be_app
frontend fe_tcp
    mode tcp
    bind 127.0.0.1:\${port:fe_tcp}
    default_backend be_tcp
backend be_app
    server s1 127.0.0.1:\${port:app}
backend be_tcp
    mode tcp
    server t1 127.0.0.1:\${port:echo}
backend st_users
    stick-table type string size 1k store gpc0
`;

/** Session lines without the CLI's own (sorted: the real order follows threads). */
function sessions(reply: string): string[] {
  return normalize(reply, 'sess', '')
    .split('\n')
    .filter((line) => line && !line.includes('fe=GLOBAL'))
    .map((line) => line.replace(/src=127\.0\.0\.1:\?/, 'src=?'))
    .sort();
}

/** `show sess <id>`: the layout, with pointers, ports, dates, ids, ages and timers masked. */
function detail(reply: string): string {
  return (
    normalize(reply, 'sess', '')
      .replace(/0x[0-9a-f]+|\(nil\)/g, 'P')
      .replace(/\[\d\d\/\w{3}\/\d{4}:[\d:.]+\]/, '[date]')
      .replace(/\bid=\d+ proto/, 'id=? proto')
      .replace(/(source|addr)=127\.0\.0\.1:\d+/g, '$1=127.0.0.1:?')
      // Activity and poller state depend on timing and on the thread that runs the session.
      .replace(/(calls|updt|rate|fd\.state)=\d+/g, '$1=?')
      .replace(/total=\d+/g, 'total=?')
      .replace(/(exp|rex|age)=[^\s)]+/g, '$1=?')
  );
}

function scur(reply: string): string {
  return reply
    .split('\n')
    .filter((line) => /^(fe_|be_)/.test(line))
    .map((line) => line.split(',').slice(0, 5).join(','))
    .join('\n');
}

const real = haproxyAvailable();

describe.skipIf(!real)('held sessions: fake answers like real HAProxy 2.6.12', () => {
  let hap: RealHAProxy;
  let fake: FakeHAProxy;
  let app: Server;
  let echo: Server;
  const clients: Socket[] = [];
  const peers: Socket[] = [];
  beforeAll(async () => {
    app = createServer((socket) => {
      peers.push(socket);
      socket.on('error', () => {});
    });
    echo = createServer((socket) => {
      peers.push(socket);
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    for (const server of [app, echo])
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = CONFIG.replace('${port:app}', String((app.address() as AddressInfo).port)).replace(
      '${port:echo}',
      String((echo.address() as AddressInfo).port),
    );
    hap = await startHAProxy({ config });
    fake = await createFakeHAProxy({ config, ports: hap.ports });
    // Two TCP sessions relayed to the echo server, one HTTP request waiting for its response.
    const connect = (port: number, send: string) =>
      new Promise<void>((resolve, reject) => {
        const socket = createConnection(port, '127.0.0.1', () => {
          socket.write(send);
          resolve();
        });
        socket.on('error', reject);
        clients.push(socket);
      });
    await connect(hap.ports.fe_tcp!, 'x');
    await connect(hap.ports.fe_tcp!, 'y');
    await connect(hap.ports.fe_http!, 'GET /x HTTP/1.1\r\nhost: a\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (sessions(await hap.send('show sess')).length < 3 || peers.length < 3) {
      if (Date.now() > deadline) throw new Error('the real sessions never showed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    fake.setSessions({ frontend: 'fe_tcp', backend: 'be_tcp', server: 't1' }, 2);
    fake.setSessions({ frontend: 'fe_http', backend: 'be_app', server: 's1' }, 1);
    // Past the first second, as the real sessions are by now.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  afterAll(async () => {
    for (const socket of [...clients, ...peers]) socket.destroy();
    app?.close();
    echo?.close();
    await hap?.stop();
    await fake?.close();
  });

  it('show sess lists them like real HAProxy', async () => {
    expect(sessions(await fake.send('show sess'))).toEqual(sessions(await hap.send('show sess')));
    expect(scur(await fake.send('show stat'))).toBe(scur(await hap.send('show stat')));
  });

  it('show sess <id> dumps them like real HAProxy', async () => {
    const idOf = async (target: { send(command: string): Promise<string> }, fe: string) =>
      (await target.send('show sess'))
        .split('\n')
        .find((line) => line.includes(`fe=${fe} `))!
        .split(':')[0]!;
    for (const fe of ['fe_tcp', 'fe_http']) {
      const expected = detail(await hap.send(`show sess ${await idOf(hap, fe)}`));
      const actual = detail(await fake.send(`show sess ${await idOf(fake, fe)}`));
      expect(actual).toBe(expected);
    }
  });

  it('shutdown session and shutdown sessions server close them and lower scur alike', async () => {
    const tcpId = async (target: { send(command: string): Promise<string> }) =>
      (await target.send('show sess'))
        .split('\n')
        .find((line) => line.includes('fe=fe_tcp '))!
        .split(':')[0]!;
    expect(await fake.send(`shutdown session ${await tcpId(fake)}`)).toBe(
      await hap.send(`shutdown session ${await tcpId(hap)}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sessions(await fake.send('show sess'))).toEqual(sessions(await hap.send('show sess')));
    expect(scur(await fake.send('show stat'))).toBe(scur(await hap.send('show stat')));
    expect(await fake.send('shutdown sessions server be_tcp/t1')).toBe(
      await hap.send('shutdown sessions server be_tcp/t1'),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sessions(await fake.send('show sess'))).toEqual(sessions(await hap.send('show sess')));
    expect(scur(await fake.send('show stat'))).toBe(scur(await hap.send('show stat')));
  });
});
