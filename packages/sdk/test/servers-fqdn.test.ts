/**
 * `Server#setFqdn()` on a server with `resolvers`, on 2 real HAProxy 2.6 processes and on a
 * 3-process fake cluster: HAProxy's "changed its FQDN" / "no need to change" answers are successes,
 * the new name is read back raw on every process.
 */
import { sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, HAProxy, InvalidArgumentError } from '../src/index.js';
import { type SocketTarget, socketTargets } from './setup-haproxy.js';

const CONFIG = `
global
    stats socket \${dir}/admin\${index}.sock mode 600 level admin
resolvers dns
    nameserver ns1 127.0.0.1:\${port:dns}
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be
    server r1 127.0.0.1:\${port:r1} resolvers dns init-addr none
    server plain 127.0.0.1:\${port:plain}
`;

const TARGETS = socketTargets(CONFIG, 2, 3);

for (const factory of TARGETS) {
  (factory.available ? describe : describe.skip)(`setFqdn: ${factory.name}`, () => {
    let target: SocketTarget;
    let hap: HAProxy;
    const fqdns = () =>
      Promise.all(
        target.sockets.map(async (socket) => {
          const line = (await sendRaw(socket, 'show servers state be'))
            .split('\n')
            .find((l) => l.split(' ')[3] === 'r1')!;
          return line.split(' ')[17];
        }),
      );

    beforeAll(async () => {
      target = await factory.start();
      hap = await HAProxy.connect({ socketDir: target.dir, timeout: 5000 });
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });

    it('sets the name on every process; the same name again is a no-op success', async () => {
      const [r1] = await hap.server('r1', { backend: 'be' });
      expect(await fqdns()).toEqual(target.sockets.map(() => '-'));
      await r1!.setFqdn('app.example.com');
      expect(await fqdns()).toEqual(target.sockets.map(() => 'app.example.com'));
      await r1!.setFqdn('app.example.com');
      await r1!.setFqdn('other.example.com.');
      expect(await fqdns()).toEqual(target.sockets.map(() => 'other.example.com.'));
    });

    it('refused without resolvers (HAProxy’s answer); invalid names never sent', async () => {
      const [plain] = await hap.server('plain', { backend: 'be' });
      const error = await plain!.setFqdn('x.example').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      const [r1] = await hap.server('r1', { backend: 'be' });
      for (const bad of ['bad_name!', '', 'a..b', '-lead.example', 'x'.repeat(254), 42]) {
        await expect(r1!.setFqdn(bad as string)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await fqdns()).toEqual(target.sockets.map(() => 'other.example.com.'));
    });
  });
}
