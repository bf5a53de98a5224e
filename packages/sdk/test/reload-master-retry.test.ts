/**
 * The master CLI connection can break under a read (the master re-executes on reload, or closes an
 * idle connection): `show proc` is a read and is sent again; `reload` itself never is.
 */
import { createFakeCluster, type FakeCluster } from '@haproxyadmin/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HAProxy } from '../src/index.js';

const CONFIG = `
global
    stats socket \${dir}/haproxy-\${index}.sock level admin
backend be_app
    server s1 127.0.0.1:8081 weight 10
`;

describe('master CLI reads survive a broken connection', () => {
  let cluster: FakeCluster | undefined;
  let hap: HAProxy | undefined;
  afterEach(async () => {
    await hap?.close();
    await cluster?.close();
  });

  it('reload(): a show proc whose connection closes before the reply is retried; reload is sent once', async () => {
    cluster = await createFakeCluster({ processes: 1, master: true, config: CONFIG });
    hap = await HAProxy.connect({ master: cluster.masterSocket!, timeout: 5000 });
    const before = cluster.processes.map((p) => p.pid);
    // The first `show proc` of the reload (its "before" list) loses its connection.
    cluster.injectMaster({ kind: 'close-before-reply', match: 'show proc' });
    const result = await hap.reload({ timeout: 10_000 });
    expect(result.oldWorkers).toEqual(before);
    expect(result.newWorkers).toEqual(cluster.processes.map((p) => p.pid));
    expect(cluster.reloads).toBe(1);
  });

  it('reload itself is not re-sent when its connection breaks: one reload, confirmed by show proc', async () => {
    cluster = await createFakeCluster({ processes: 1, master: true, config: CONFIG });
    hap = await HAProxy.connect({ master: cluster.masterSocket!, timeout: 5000 });
    cluster.injectMaster({ kind: 'close-before-reply', match: 'reload' });
    const result = await hap.reload({ timeout: 10_000 });
    expect(result.ok).toBe(true);
    expect(cluster.reloads).toBe(1);
  });
});
