/**
 * `events({ tolerateOutages: true })`: a snapshot no process answers (the only HAProxy restarting)
 * does not end the iteration; the process is reported gone, then back. Without it, the iteration
 * ends with the socket error (the default, unchanged).
 */
import { createFakeHAProxy, type FakeHAProxy } from '@haproxyadmin/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HAProxy, HAProxyError, type HAProxyEvent, InvalidArgumentError } from '../src/index.js';
import { waitFor } from './setup-wait.js';

const CONFIG = 'backend be\n    server s1 127.0.0.1:81 weight 10\n';

describe('events() when no process answers', () => {
  let fake: FakeHAProxy | undefined;
  let hap: HAProxy | undefined;
  afterEach(async () => {
    await hap?.close();
    await fake?.close();
  });

  const start = async () => {
    fake = await createFakeHAProxy({ config: CONFIG });
    hap = await HAProxy.connect({ socketFile: fake.sockets[0]!.address, retry: 0, timeout: 1000 });
    return { fake, hap };
  };

  it('tolerateOutages: process-disappeared, then process-appeared; the iteration goes on', async () => {
    const { fake, hap } = await start();
    const seen: HAProxyEvent[] = [];
    const controller = new AbortController();
    const collecting = (async () => {
      for await (const event of hap.events({
        interval: 50,
        tolerateOutages: true,
        signal: controller.signal,
      })) {
        seen.push(event);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 150));
    fake.inject({ kind: 'refuse-connections', persist: true });
    fake.inject({ kind: 'close-before-reply', persist: true });
    await waitFor(() => seen.some((event) => event.type === 'process-disappeared'), { what: 'gone' });
    fake.reset(); // answers again
    await waitFor(() => seen.some((event) => event.type === 'process-appeared'), { what: 'back' });
    controller.abort();
    await collecting;
    const types = seen.map((event) => event.type);
    expect(types.indexOf('process-disappeared')).toBeLessThan(types.indexOf('process-appeared'));
  });

  it('default: the iteration ends with the socket error', async () => {
    const { fake, hap } = await start();
    const events = hap.events({ interval: 50 });
    fake.inject({ kind: 'refuse-connections', persist: true });
    fake.inject({ kind: 'close-before-reply', persist: true });
    const error = await (async () => {
      for await (const _ of events) {
        // nothing changes before the outage
      }
    })().catch((caught: unknown) => caught);
    expect(HAProxyError.isInstance(error) && error.code).toMatch(/^HAPROXY_ERR_SOCKET/);
  });

  it('tolerateOutages must be a boolean', async () => {
    const { hap } = await start();
    expect(() => hap.events({ tolerateOutages: 'yes' as never })).toThrow(InvalidArgumentError);
  });
});
