/**
 * A real HAProxy 2.6 master-worker reload: the old worker keeps serving a held CLI connection. Through
 * the master CLI, counters include the old worker, configuration reads and writes follow the new one,
 * and a handle keeps addressing its server by name although the reload renumbered the ids.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { createConnection, type Socket } from 'node:net';
import { type RealHAProxy, sendRaw, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, expect, it } from 'vitest';
import { HAProxy } from '../src/index.js';

const config = (servers: string) => `
global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats timeout 30s
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:\${port:fe}
    default_backend be_app
backend be_app
    balance roundrobin
${servers}
`;

const BEFORE = config(`    server s2 127.0.0.1:\${port:web} weight 20
    server s1 127.0.0.1:\${port:other} weight 10 disabled`);
// reordered: s2 gets sid 2 instead of 1; its weight changes
const AFTER = config(`    server s1 127.0.0.1:\${port:other} weight 10 disabled
    server s2 127.0.0.1:\${port:web} weight 30`);

function get(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

/** Send one command on a held prompt-mode connection and return its reply. */
function ask(socket: Socket, command: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.endsWith('\n> ')) {
        socket.off('data', onData);
        resolve(text.slice(0, -2));
      }
    };
    socket.on('data', onData);
    socket.write(`${command}\n`);
  });
}

describeWithHAProxy('handles across a real master-worker reload', () => {
  let real: RealHAProxy | undefined;
  let held: Socket | undefined;
  let hap: HAProxy | undefined;
  const web = createServer((_req, res) => res.end('ok'));

  afterAll(async () => {
    held?.destroy();
    await hap?.close();
    await real?.stop();
    await new Promise<void>((resolve) => web.close(() => resolve()));
  });

  it('old worker counters count, its configuration does not, writes skip it', async () => {
    real = await startHAProxy({ master: true, config: BEFORE });
    await new Promise<void>((resolve) => web.listen(real!.ports.web!, '127.0.0.1', resolve));
    hap = await HAProxy.connect({ master: real.masterSocket!, timeout: 5000 });
    const [s2] = await hap.server('s2', { backend: 'be_app' });
    expect(s2!.sid).toBe(1);
    for (let i = 0; i < 3; i++) await get(real.ports.fe!);
    expect(await s2!.metric('stot')).toBe(3);

    // Hold a prompt-mode connection to the worker, so that it stays as an old worker after the reload.
    const socket = `${real.dir}/admin.sock`;
    held = createConnection(socket);
    await new Promise<void>((resolve) => held!.once('connect', () => resolve()));
    await ask(held, 'prompt');
    const oldPid = Number(/Pid: (\d+)/.exec(await ask(held, 'show info'))![1]);

    // Rewrite the configuration (same ports) and reload through the master CLI.
    const text = AFTER.replaceAll('${dir}', real.dir).replace(/\$\{port:(\w+)\}/g, (_, name: string) =>
      String(real!.ports[name]),
    );
    await writeFile(real.processes[0]!.configPath, text);
    await sendRaw(real.masterSocket!, 'reload');
    let processes = await hap.executor.processes();
    for (
      let i = 0;
      i < 100 && !(processes.some((p) => !p.current) && processes.some((p) => p.current && p.pid !== oldPid));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      processes = await hap.executor.processes();
    }
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
    expect(await ask(held, 'get weight be_app/s2')).toBe('20 (initial 20)\n\n');

    // A new lookup refreshes the captured sid; same instance.
    const [again] = await hap.server('s2', { backend: 'be_app' });
    expect(again).toBe(s2);
    expect(s2!.sid).toBe(2);
  });
});
