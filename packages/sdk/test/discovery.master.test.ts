import { createConnection } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import type { Executor, ProcessRef } from '../src/core/types.js';
import { CommandFailedError } from '../src/errors.js';
import { type RealHAProxy, startHAProxy } from '../../testing/src/real-haproxy.js';
import { describeWithHAProxy } from '../../testing/src/vitest.js';
import { holdWorker } from './setup-haproxy.js';
import { waitFor } from './setup-wait.js';

const CONFIG = `global
    stats socket \${dir}/worker.sock mode 600 level admin
    stats timeout 2m
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be_app
    http-request set-header X-Route %[req.hdr(host),map(\${dir}/routes.map)]
    server s1 127.0.0.1:1 weight 10
`;

function masterCommand(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.on('connect', () => socket.end(`${line}\n`));
  });
}

const pidOf = (text: string) => Number(/^Pid: (\d+)$/m.exec(text)?.[1]);

describeWithHAProxy('master CLI discovery on real HAProxy (reload, old worker kept alive)', () => {
  let haproxy: RealHAProxy;
  let executor: Executor;

  beforeAll(async () => {
    haproxy = await startHAProxy({ master: true, config: CONFIG, files: { 'routes.map': '' } });
    executor = await createExecutor({ master: haproxy.masterSocket!, timeout: 3000 });
  });
  afterAll(async () => {
    await executor?.close();
    await haproxy?.stop();
  });

  it('lists workers with @!pid routing, current and old across a reload', async () => {
    const before = await executor.processes();
    expect(before).toHaveLength(1);
    const first = before[0]!;
    expect(first).toMatchObject({ role: 'worker', current: true });
    expect(first.key).toContain(`@!${first.pid}`);
    const [info] = await executor.run('show info', { idempotent: true });
    expect(info!.ok && pidOf(info!.value)).toBe(first.pid);

    // Keep the first worker alive past the reload with a connection of our own.
    const held = await holdWorker(`${haproxy.dir}/worker.sock`);
    try {
      expect(pidOf(await held.ask('show info'))).toBe(first.pid);
      expect(await masterCommand(haproxy.masterSocket!, 'reload')).toBe('');

      // The reload closed our master connection: the next calls read `show proc` again.
      const after = await waitFor(
        async () => {
          const list = await executor.processes();
          return list.length === 2 && list.some((process) => process.current && process.pid !== first.pid)
            ? list
            : undefined;
        },
        { what: 'the old worker beside the new one', interval: 100 },
      );
      const old = after.find((process) => process.pid === first.pid)!;
      const current = after.find((process) => process.pid !== first.pid)!;
      expect(old).toMatchObject({ role: 'old-worker', current: false });
      expect(current).toMatchObject({ role: 'worker', current: true });

      // 'current' (default) reaches the new worker only; 'all' the old one too.
      const currentOnly = await executor.run('show info', { idempotent: true });
      expect(currentOnly.map((outcome) => outcome.ok && pidOf(outcome.value))).toEqual([current.pid]);
      const all = await executor.run('show info', { targets: 'all', idempotent: true });
      expect(all.map((outcome) => outcome.process.pid).sort()).toEqual([current.pid, old.pid].sort());
      for (const outcome of all) {
        expect(outcome.ok).toBe(true);
        if (outcome.ok) {
          expect(pidOf(outcome.value)).toBe(outcome.process.pid);
          expect(outcome.value).toContain(outcome.process.current ? 'Stopping: 0' : 'Stopping: 1');
        }
      }
      // writes go to current workers only; errors are classified through the master too
      const write = await executor.run('set weight be_app/s1 3');
      expect(write).toHaveLength(1);
      expect(write[0]!.ok).toBe(true);
      const [failed] = await executor.run('get weight be_app/nosuch');
      expect(!failed!.ok && failed!.error).toBeInstanceOf(CommandFailedError);
      // pipelined through the one master connection
      const many = await Promise.all(Array.from({ length: 40 }, () => executor.run('get weight be_app/s1')));
      expect(many.flat().every((outcome) => outcome.ok && outcome.value === '3 (initial 10)\n')).toBe(true);
      // chained lines are routed command by command
      const [chained] = await executor.run('show cli level; get weight be_app/s1');
      expect(chained!.ok && chained!.value).toBe('admin\n3 (initial 10)\n');
      // a payload through the master
      const map = `${haproxy.dir}/routes.map`;
      const [added] = await executor.run(`add map ${map}`, { payload: 'a.example be1\nb.example be2' });
      expect(added).toMatchObject({ ok: true, value: '' });
      const [shown] = await executor.run(`show map ${map}`);
      expect(shown!.ok && shown!.value.replace(/0x[0-9a-f]+ /g, '')).toBe('a.example be1\nb.example be2\n');
    } finally {
      held.socket.destroy();
    }

    // Once released, the old worker exits and drops out of the list.
    const final = await waitFor(
      async () => {
        await executor.run('show version', { targets: 'all' });
        const list = await executor.processes();
        return list.length === 1 ? list : undefined;
      },
      { what: 'the old worker gone', interval: 100 },
    );
    expect(final[0]!.pid).not.toBe(first.pid);
    const gone: ProcessRef = { ...before[0]! };
    const [missing] = await executor.run('show version', { targets: [gone] });
    expect(missing!.ok).toBe(false);
  });
});
