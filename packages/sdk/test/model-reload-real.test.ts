/**
 * A real HAProxy 2.6 master-worker reload: the old worker keeps serving a held CLI connection. Through
 * the master CLI, counters include the old worker, configuration reads and writes follow the new one,
 * and a handle keeps addressing its server by name although the reload renumbered the ids.
 */
import { writeFile } from 'node:fs/promises';
import { type RealHAProxy, sendRaw } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, expect, it } from 'vitest';
import type { HAProxy } from '../src/index.js';
import {
  type HeldConnection,
  haproxyConfig,
  holdWorker,
  httpGet,
  startMaster,
  startWeb,
  waitForOldWorker,
} from './setup-haproxy.js';

const config = (servers: string) =>
  haproxyConfig(
    { statsTimeout: '30s', mode: 'http' },
    `
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    balance roundrobin
${servers}
`,
  );

const BEFORE = config(`    server s2 127.0.0.1:\${port:web} weight 20
    server s1 127.0.0.1:\${port:other} weight 10 disabled`);
// reordered: s2 gets sid 2 instead of 1; its weight changes
const AFTER = config(`    server s1 127.0.0.1:\${port:other} weight 10 disabled
    server s2 127.0.0.1:\${port:web} weight 30`);

describeWithHAProxy('handles across a real master-worker reload', () => {
  let real: RealHAProxy | undefined;
  let held: HeldConnection | undefined;
  let hap: HAProxy | undefined;
  let web: { close(): Promise<void> } | undefined;

  afterAll(async () => {
    held?.socket.destroy();
    await hap?.close();
    await real?.stop();
    await web?.close();
  });

  it('old worker counters count, its configuration does not, writes skip it', async () => {
    ({ real, hap } = await startMaster(BEFORE));
    web = await startWeb(real.ports.web!);
    const [s2] = await hap.server('s2', { backend: 'be_app' });
    expect(s2!.sid).toBe(1);
    for (let i = 0; i < 3; i++) await httpGet(real.ports.fe!);
    expect(await s2!.metric('stot')).toBe(3);

    // Hold a prompt-mode connection to the worker, so that it stays as an old worker after the reload.
    const socket = `${real.dir}/admin.sock`;
    held = await holdWorker(socket);
    const oldPid = Number(/Pid: (\d+)/.exec(await held.ask('show info'))![1]);

    // Rewrite the configuration (same ports) and reload through the master CLI.
    const text = AFTER.replaceAll('${dir}', real.dir).replace(/\$\{port:(\w+)\}/g, (_, name: string) =>
      String(real!.ports[name]),
    );
    await writeFile(real.processes[0]!.configPath, text);
    await sendRaw(real.masterSocket!, 'reload');
    const processes = await waitForOldWorker(hap, oldPid);
    expect(processes.find((process) => !process.current)?.pid).toBe(oldPid);
    const newPid = processes.find((process) => process.current)!.pid;
    expect(newPid).not.toBe(oldPid);

    // The handle reads s2 by name: weight from the new worker (30), not the old one (20), and no
    // InconsistentDataError since the old worker's configuration does not count.
    expect(await s2!.weight()).toBe(30);
    // Counters include the old worker (3 sessions there, 0 in the new one).
    expect(await s2!.metric('stot')).toBe(3);
    const perProcess = await s2!.statsPerProcess();
    expect(perProcess.map(({ process }) => [process.pid, process.current])).toEqual(
      expect.arrayContaining([
        [newPid, true],
        [oldPid, false],
      ]),
    );

    // A write goes to the current worker only.
    await s2!.setWeight(40);
    expect(await sendRaw(socket, 'get weight be_app/s2')).toBe('40 (initial 30)\n\n');
    expect(await held.ask('get weight be_app/s2')).toBe('20 (initial 20)\n\n');

    // A new lookup refreshes the captured sid; same instance.
    const [again] = await hap.server('s2', { backend: 'be_app' });
    expect(again).toBe(s2);
    expect(s2!.sid).toBe(2);
  });
});
