/** `hap.reload()` against the fake master CLI (2.6 behaviour: `reload` answers nothing and closes). */
import { createFakeCluster, type FakeCluster, sendRaw } from '@haproxyadmin/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HAProxy, InvalidArgumentError, ReloadFailedError, SocketTimeoutError } from '../src/index.js';

const CONFIG = `
global
    stats socket \${dir}/haproxy-\${index}.sock level admin
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:8081 weight 10
`;

describe('hap.reload() with the fake master CLI', () => {
  let cluster: FakeCluster | undefined;
  let hap: HAProxy | undefined;
  afterEach(async () => {
    await hap?.close();
    await cluster?.close();
    hap = undefined;
    cluster = undefined;
  });

  const start = async (processes = 2) => {
    cluster = await createFakeCluster({ processes, master: true, config: CONFIG });
    hap = await HAProxy.connect({ master: cluster.masterSocket!, timeout: 2000 });
    return { cluster, hap };
  };

  it('resolves with the old and new worker pids; commands reach the new workers', async () => {
    const { cluster, hap } = await start(2);
    const before = cluster.processes.map((p) => p.pid);
    // The next reload loads a changed configuration (weight 10 -> 30).
    cluster.setConfig(CONFIG.replace('weight 10', 'weight 30'));
    const result = await hap.reload();
    expect(result.oldWorkers).toEqual(before);
    expect(result.newWorkers).toEqual(cluster.processes.map((p) => p.pid));
    expect(result.newWorkers.some((pid) => before.includes(pid))).toBe(false);
    expect(cluster.reloads).toBe(1);
    expect(await hap.processIds()).toEqual(result.newWorkers);
    const [s1] = await hap.server('s1');
    expect(await s1!.weight()).toBe(30);
  });

  it('concurrent reloads run one after the other, each confirmed by its own new workers', async () => {
    const { cluster, hap } = await start(1);
    const first = cluster.processes[0]!.pid;
    const [a, b] = await Promise.all([hap.reload(), hap.reload()]);
    expect(cluster.reloads).toBe(2);
    expect(a.oldWorkers).toEqual([first]);
    expect(b.oldWorkers).toEqual(a.newWorkers);
    expect(b.newWorkers).toEqual([cluster.processes[0]!.pid]);
  });

  it('a failed reload rejects with ReloadFailedError carrying the counters; the workers stay', async () => {
    const { cluster, hap } = await start(1);
    const pid = cluster.processes[0]!.pid;
    cluster.failNextReload();
    const error = await hap.reload().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ReloadFailedError);
    expect(error).toMatchObject({ failedReloads: 1, reloads: 1, workers: [pid], output: '' });
    expect(await hap.processIds()).toEqual([pid]);
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toMatch(/1 \[failed: 1\]/);
    // The next good reload works and resets the counter.
    const result = await hap.reload();
    expect(result.newWorkers).not.toContain(pid);
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toMatch(/2 \[failed: 0\]/);
  });

  it('handles a 2.7+ master that answers Success=0 with startup logs', async () => {
    const { hap } = await start(1);
    // A master CLI from a newer HAProxy: wrap the channel to answer like 2.7.
    const [channel] = hap.executor.masters!();
    const send = channel!.send.bind(channel);
    (channel as { send: typeof send }).send = (line, options) =>
      line === 'reload'
        ? Promise.resolve(
            "Success=0\n--\n[ALERT]    (482886) : config : parsing [h.cfg:1]: unknown keyword 'Aglobal' out of section.\n",
          )
        : send(line, options);
    const error = (await hap.reload().catch((reason: unknown) => reason)) as ReloadFailedError;
    expect(error).toBeInstanceOf(ReloadFailedError);
    expect(error.output).toMatch(/unknown keyword 'Aglobal'/);
    expect(error.message).toMatch(/unknown keyword 'Aglobal'/);
  });

  it('times out with SocketTimeoutError when show proc never confirms', async () => {
    const { hap } = await start(1);
    const [channel] = hap.executor.masters!();
    const send = channel!.send.bind(channel);
    // `reload` swallowed: nothing ever changes.
    (channel as { send: typeof send }).send = (line, options) =>
      line === 'reload' ? Promise.resolve('') : send(line, options);
    await expect(hap.reload({ timeout: 300, pollInterval: 20 })).rejects.toBeInstanceOf(SocketTimeoutError);
  });

  it('bad options are refused before anything is sent; an aborted signal rejects', async () => {
    const { cluster, hap } = await start(1);
    await expect(hap.reload({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.reload({ timeout: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.reload({ signal: 'x' as unknown as AbortSignal })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(hap.reload({ signal: controller.signal })).rejects.toThrow('stop');
    expect(cluster.reloads).toBe(0);
  });
});
