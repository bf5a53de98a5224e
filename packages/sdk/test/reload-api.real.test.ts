/**
 * `hap.reload()` on a real HAProxy 2.6.12 in master-worker mode: 2.6's `reload` answers nothing and
 * closes the master connection, so the outcome comes from `show proc` (new worker, `[failed: N]`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { RealHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HAProxy, ReloadFailedError, UnsupportedError } from '../src/index.js';
import { haproxyConfig, holdWorker, startMaster } from './setup-haproxy.js';

const CONFIG = haproxyConfig(
  { statsTimeout: '30s', mode: 'http' },
  `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    server s1 127.0.0.1:\${port:web} weight 10
`,
);

describeWithHAProxy('hap.reload() on a real master-worker HAProxy 2.6', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let held: Socket | undefined;

  beforeAll(async () => {
    ({ real, hap } = await startMaster(CONFIG));
  });
  afterAll(async () => {
    held?.destroy();
    await hap?.close();
    await real?.stop();
  });

  it('reloads: a new current worker, the old one reported, the client re-discovers', async () => {
    const [before] = await hap.processIds();
    // Keep the old worker alive as an "old worker" with an open CLI connection.
    held = (await holdWorker(`${real.dir}/admin.sock`)).socket;

    const result = await hap.reload({ timeout: 15_000 });
    expect(result.ok).toBe(true);
    expect(result.oldWorkers).toEqual([before]);
    expect(result.newWorkers).toHaveLength(1);
    expect(result.newWorkers[0]).not.toBe(before);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(result.processes.find((p) => p.current)?.pid).toBe(result.newWorkers[0]);
    expect(result.processes.find((p) => !p.current)?.pid).toBe(before);
    // Commands now reach the new worker.
    expect(await hap.processIds()).toEqual(result.newWorkers);
    // Old worker kept apart in a snapshot, left out with workers: 'current'.
    const all = await hap.snapshot();
    const server = all.servers.find((s) => s.name === 's1')!;
    expect(server.perProcess.map(({ process }) => process.role).sort()).toEqual(['old-worker', 'worker']);
    const current = await hap.snapshot({ workers: 'current' });
    expect(
      current.servers.find((s) => s.name === 's1')!.perProcess.map(({ process }) => process.role),
    ).toEqual(['worker']);
    held.destroy();
    held = undefined;
  });

  it('a refused configuration rejects with ReloadFailedError; the workers keep serving', async () => {
    const [worker] = await hap.processIds();
    const path = real.processes[0]!.configPath;
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.replace('global\n', 'global\n    bogus_keyword 1\n'));
    try {
      const error = await hap.reload({ timeout: 15_000 }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ReloadFailedError);
      const failed = error as ReloadFailedError;
      expect(failed.code).toBe('HAPROXY_ERR_RELOAD_FAILED');
      expect(failed.failedReloads).toBe(1);
      expect(failed.workers).toEqual([worker]);
      expect(failed.message).toMatch(/reload refused by unix:\/\/.*master\.sock/);
      // 2.6 keeps no reason: the message says where to look instead of ending silently
      expect(failed.message).toMatch(/does not say why: .*haproxy -c -f <config>/);
      expect(await hap.processIds()).toEqual([worker]);
    } finally {
      await writeFile(path, good);
    }
    // A good reload afterwards works (and resets the failure counter).
    const result = await hap.reload({ timeout: 15_000 });
    expect(result.newWorkers[0]).not.toBe(worker);
  });

  it('without a master source: UnsupportedError, nothing sent', async () => {
    const direct = await HAProxy.connect({ socketFile: `${real.dir}/admin.sock` });
    try {
      await expect(direct.reload()).rejects.toBeInstanceOf(UnsupportedError);
      await expect(direct.reload()).rejects.toThrow(/reload needs a master CLI/);
    } finally {
      await direct.close();
    }
  });
});

const TABLE_CONFIG = haproxyConfig(
  { statsTimeout: '30s', mode: 'tcp', timeout: '30s' },
  `
frontend fe_tcp
    bind 127.0.0.1:\${port:tcp}
    default_backend be_tcp
backend be_tcp
    server t1 127.0.0.1:\${port:echo}
backend st_users
    stick-table type string len 32 size 1k expire 10m store gpc0
`,
);

describeWithHAProxy('tables and sessions through a real 2.6 master CLI (no severity prefixes there)', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let held: Socket | undefined;
  beforeAll(async () => {
    ({ real, hap } = await startMaster(TABLE_CONFIG));
  });
  afterAll(async () => {
    held?.destroy();
    await hap?.close();
    await real?.stop();
  });

  it('refusals are errors, not data, through the master; tables work', async () => {
    await hap.setTableEntry('st_users', 'alice', { gpc0: 3 });
    expect((await hap.table('st_users')).entries.map((e) => [e.key, e.data.gpc0])).toEqual([['alice', 3]]);
    await expect(hap.setTableEntry('st_users', 'k', { conn_cur: 1 })).rejects.toThrow(
      /Data type not stored in this table/,
    );
    await expect(hap.setTableEntry('st_users', 'k', { nope: 1 })).rejects.toThrow(/Unknown data type/);
    await expect(hap.table('nosuch')).rejects.toThrow(/table "nosuch" not found/);
    await expect(hap.shutdownSession('0x1234')).rejects.toThrow(/session "0x1234" not found/);
  });

  it("after a reload, an old worker's streams are listed with their process", async () => {
    // A client connection through the TCP frontend (the backend refuses: HAProxy retries, the
    // stream stays a while) and a held CLI connection keep the old worker alive.
    held = (await holdWorker(`${real.dir}/admin.sock`)).socket;
    const [oldPid] = await hap.processIds();
    await hap.reload({ timeout: 15_000 });
    const sessions = await hap.sessions();
    const old = sessions.filter((s) => s.process.pid === oldPid);
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((s) => s.process.role === 'old-worker' && !s.process.current)).toBe(true);
    expect(sessions.some((s) => s.process.current)).toBe(true);
  });
});
