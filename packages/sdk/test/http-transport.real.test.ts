/** httpStatsTransport against the `listen stats` page of a real HAProxy 2.6.12, compared with its socket. */
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HAProxy, httpStatsTransport, SocketPermissionError, UnsupportedError } from '../src/index.js';
import { haproxyConfig } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { mode: 'http' },
  `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:\${port:web} weight 7
    server s2 127.0.0.1:\${port:web2} weight 3 disabled
listen stats
    bind 127.0.0.1:\${port:stats}
    stats enable
    stats uri /stats
    stats auth admin:s3cret
`,
);

describeWithHAProxy('httpStatsTransport on a real HAProxy 2.6 stats page', () => {
  let real: RealHAProxy;
  let viaHttp: HAProxy;
  let viaSocket: HAProxy;
  beforeAll(async () => {
    real = await startHAProxy({ config: CONFIG });
    const url = `http://127.0.0.1:${real.ports.stats}/stats`;
    viaHttp = await HAProxy.connect({
      transports: [httpStatsTransport({ url, auth: { username: 'admin', password: 's3cret' } })],
    });
    viaSocket = await HAProxy.connect({ socketFile: `${real.dir}/admin.sock` });
  });
  afterAll(async () => {
    await viaHttp?.close();
    await viaSocket?.close();
    await real?.stop();
  });

  it('reads the same objects, states and identity as the stats socket', async () => {
    expect(await viaHttp.version()).toBe(await viaSocket.version());
    expect(await viaHttp.processIds()).toEqual(await viaSocket.processIds());
    expect((await viaHttp.backends()).map((b) => b.name)).toEqual(
      (await viaSocket.backends()).map((b) => b.name),
    );
    const [s1] = await viaHttp.server('s1', { backend: 'be_app' });
    const [s2] = await viaHttp.server('s2', { backend: 'be_app' });
    expect(await s1!.weight()).toBe(7);
    expect(await s2!.status()).toBe('MAINT');
    expect((await viaHttp.info())[0]!.info.Maxconn).toBe((await viaSocket.info())[0]!.info.Maxconn);
  });

  it('writes are UnsupportedError; a wrong password is SocketPermissionError', async () => {
    const [s1] = await viaHttp.server('s1', { backend: 'be_app' });
    await expect(s1!.setWeight(1)).rejects.toBeInstanceOf(UnsupportedError);
    expect(await (await viaSocket.server('s1', { backend: 'be_app' }))[0]!.weight()).toBe(7);
    const wrong = httpStatsTransport({
      url: `http://127.0.0.1:${real.ports.stats}/stats`,
      auth: { username: 'admin', password: 'nope' },
    });
    await expect(wrong.send({ line: 'show stat' })).rejects.toBeInstanceOf(SocketPermissionError);
  });
});
