import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import { SocketConnectionError, SocketTimeoutError } from '../src/errors.js';
import { type RealHAProxy, startHAProxy } from '../../testing/src/real-haproxy.js';
import { describeWithHAProxy } from '../../testing/src/vitest.js';
import { sleep, tempDir } from './transport.helpers.js';
import { exited, waitFor } from './setup-wait.js';

const BASE = `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be_app
    server s1 127.0.0.1:1 weight 10
`;

let dir: string;
let remove: () => void;
const started: RealHAProxy[] = [];
beforeEach(() => {
  ({ dir, remove } = tempDir());
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((haproxy) => haproxy.stop()));
  remove();
});
const start = async (config: string) => {
  const haproxy = await startHAProxy({ config });
  started.push(haproxy);
  return haproxy;
};
const pidOf = (text: string) => Number(/^Pid: (\d+)$/m.exec(text)?.[1]);

describeWithHAProxy('transport faults on real HAProxy', () => {
  it('connection limit reached (stats maxconn 1): SocketTimeoutError within the budget', async () => {
    const haproxy = await start(`global\n    stats socket \${dir}/one.sock level admin maxconn 1\n${BASE}`);
    const path = `${haproxy.dir}/one.sock`;
    const hog = createConnection(path);
    await new Promise((resolve) => hog.once('connect', resolve));
    try {
      const begin = performance.now();
      const error = await createExecutor({ socketFile: path, timeout: 400 }).catch(
        (caught: unknown) => caught,
      );
      const ms = performance.now() - begin;
      expect(error).toBeInstanceOf(SocketTimeoutError);
      expect((error as SocketTimeoutError).endpoint).toBe(`unix://${path}`);
      expect(ms).toBeLessThan(2000); // the 400 ms budget, with room for a busy machine (seen: 830 ms)
    } finally {
      hog.destroy();
    }
    // once the slot is free the same socket works
    const executor = await createExecutor({ socketFile: path, timeout: 2000 });
    expect((await executor.run('show cli level'))[0]).toMatchObject({ ok: true, value: 'admin\n' });
    await executor.close();
  });

  it('reconnects transparently after HAProxy closed the idle connection (stats timeout)', async () => {
    const haproxy = await start(
      `global\n    stats socket \${dir}/a.sock level admin\n    stats timeout 1s\n${BASE}`,
    );
    const executor = await createExecutor({ socketFile: `${haproxy.dir}/a.sock`, retry: 0 });
    try {
      expect((await executor.run('set weight be_app/s1 5'))[0]!.ok).toBe(true);
      await sleep(1400); // HAProxy closes the idle session after 1 s
      // a non-idempotent write with no retries: nothing was lost, so it simply goes out again
      const [outcome] = await executor.run('set weight be_app/s1 6');
      expect(outcome!.ok).toBe(true);
      expect((await executor.run('get weight be_app/s1'))[0]).toMatchObject({
        ok: true,
        value: '6 (initial 10)\n',
      });
    } finally {
      await executor.close();
    }
  });

  it('HAProxy restarted between calls (same path, new pid): the next call reconnects', async () => {
    const path = join(dir, 'admin.sock');
    const config = `global\n    stats socket ${path} level admin\n${BASE}`;
    const first = await start(config);
    const executor = await createExecutor({ socketFile: path, retry: 0 });
    try {
      const [before] = await executor.run('show info');
      expect(before!.ok && pidOf(before!.value)).toBe(first.processes[0]!.pid);
      await first.stop();
      // stop() only signals it: HAProxy may take a moment to exit on a busy machine
      await waitFor(() => exited(first.processes[0]!.pid), { what: 'the first HAProxy exited' });
      const during = await executor.run('show info', { timeout: 300 });
      expect(!during[0]!.ok && during[0]!.error).toBeInstanceOf(SocketConnectionError);
      const second = await start(config);
      const [after] = await executor.run('show info');
      expect(after!.ok && pidOf(after!.value)).toBe(second.processes[0]!.pid);
      expect(second.processes[0]!.pid).not.toBe(first.processes[0]!.pid);
      // the reconnect re-reads the pid: the process is known under its new identity (soon)
      const ref = await waitFor(
        async () => {
          const [process] = await executor.processes();
          return process?.pid === second.processes[0]!.pid && process;
        },
        { what: 'the new pid known' },
      );
      expect(ref).toMatchObject({ key: `unix://${path}`, pid: second.processes[0]!.pid });
    } finally {
      await executor.close();
    }
  });

  const root = process.getuid?.() === 0;
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  it.skipIf(!root)('EACCES: SocketPermissionError for a client running as "nobody"', async () => {
    // As root, connect() ignores permissions; so the client runs as `nobody` in a child process,
    // using the built SDK when there is one (else only the operating system's answer is checked;
    // the errno mapping itself is unit-tested in transport.faults).
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    const path = join(locked, 'admin.sock');
    await start(`global\n    stats socket ${path} level admin\n${BASE}`);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o700);
    const script = existsSync(dist)
      ? `import(${JSON.stringify(dist)}).then(async ({ unixTransport }) => {
           try { await unixTransport({ path: ${JSON.stringify(path)} }).send({ line: 'show info' }); console.log('connected'); }
           catch (error) { console.log(error.name, error.errno, error.endpoint); }
         })`
      : `const s=require('net').createConnection(${JSON.stringify(path)});s.on('error',e=>console.log(e.code));s.on('connect',()=>{console.log('connected');process.exit(0)})`;
    let output: string;
    try {
      output = execFileSync(
        'setpriv',
        ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', script],
        { encoding: 'utf8', timeout: 10_000 },
      ).trim();
    } catch (error) {
      console.warn(`[transport] EACCES end-to-end check skipped: ${(error as Error).message}`);
      return;
    }
    expect(output).toBe(existsSync(dist) ? `SocketPermissionError EACCES unix://${path}` : 'EACCES');
  });
});
