/**
 * `delete()` of a server other servers track: refused before anything is sent (HAProxy 2.6 would
 * refuse `del server` only after the server was put in MAINT); the trackers first, then it works.
 * On 2 real HAProxy 2.6 processes and a 2-process fake cluster.
 */
import { sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, HAProxy, PreconditionFailedError } from '../src/index.js';
import { haproxyConfig, type SocketTarget, socketTargets } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp' },
  `
backend bt
    server s1 127.0.0.1:\${port:s1} check inter 60s
    server t1 127.0.0.1:\${port:t1} track s1
backend bt2
    server t2 127.0.0.1:\${port:t1} track bt/s1
`,
);

const TARGETS = socketTargets(CONFIG, 2, 2);

for (const factory of TARGETS) {
  (factory.available ? describe : describe.skip)(`delete a tracked server: ${factory.name}`, () => {
    let target: SocketTarget;
    let hap: HAProxy;
    const adminStates = (backend: string, server: string) =>
      Promise.all(
        target.sockets.map(async (socket) => {
          const lines = (await sendRaw(socket, `show servers state ${backend}`)).trim().split('\n').slice(2);
          return lines.find((line) => line.split(' ')[3] === server)?.split(' ')[6];
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

    it('refused while tracked, naming the trackers; nothing changed on any process', async () => {
      const bt = await hap.backend('bt');
      const error = (await bt
        .deleteServer('s1')
        .catch((caught: unknown) => caught)) as PreconditionFailedError;
      expect(error).toBeInstanceOf(PreconditionFailedError);
      const reasons = new Set(error.processes.map(({ reason }) => reason));
      expect(reasons).toEqual(new Set(['bt/t1 tracks bt/s1', 'bt2/t2 tracks bt/s1']));
      expect(error.processes).toHaveLength(2 * target.sockets.length);
      expect(await adminStates('bt', 's1')).toEqual(target.sockets.map(() => '0'));
    });

    it('the trackers can go; the tracked server then stays undeletable in 2.6 (HAProxy’s answer, in MAINT)', async () => {
      await (await hap.backend('bt')).deleteServer('t1');
      await (await hap.backend('bt2')).deleteServer('t2');
      expect(await adminStates('bt', 't1')).toEqual(target.sockets.map(() => undefined));
      expect(await adminStates('bt2', 't2')).toEqual(target.sockets.map(() => undefined));
      // 2.6.12 keeps deleted trackers in the tracked server's list: `del server` keeps refusing.
      const error = (await (
        await hap.backend('bt')
      )
        .deleteServer('s1')
        .catch((caught: unknown) => caught)) as CommandFailedError;
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error.response.trim()).toBe(
        'This server cannot be removed at runtime due to other configuration elements pointing to it.',
      );
      expect(await adminStates('bt', 's1')).toEqual(target.sockets.map(() => '1'));
    });
  });
}
