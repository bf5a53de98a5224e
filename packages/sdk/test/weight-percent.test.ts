/**
 * Relative weights: HAProxy documents 0%–100% of the initial weight (2.6 takes more and silently caps
 * the result at 256), so the SDK refuses more before sending anything.
 */
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError } from '../src/index.js';

describe('setWeight with a percentage', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;
  beforeAll(async () => {
    cluster = await createFakeCluster({
      processes: 2,
      config: 'backend be\n    server s1 127.0.0.1:81 weight 100\n',
    });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });

  it('0%-100% of the initial weight is sent; more is InvalidArgumentError and nothing is sent', async () => {
    const [s1] = await hap.server('s1', { backend: 'be' });
    await s1!.setWeight('40%');
    expect(await s1!.weight()).toBe(40);
    await s1!.setWeight('100%');
    expect(await s1!.weight()).toBe(100);
    for (const process of cluster.processes) process.calls.length = 0;
    for (const bad of ['101%', '300%', '99999%', '-5%', '50.5%']) {
      await expect(s1!.setWeight(bad as `${number}%`)).rejects.toThrow(InvalidArgumentError);
    }
    await expect(s1!.setWeight('300%')).rejects.toThrow(/percentage 0%-100% of the initial weight/);
    for (const process of cluster.processes) {
      expect(process.calls.filter((call) => call.line.startsWith('set weight'))).toEqual([]);
    }
    expect(await s1!.weight()).toBe(100);
  });
});
