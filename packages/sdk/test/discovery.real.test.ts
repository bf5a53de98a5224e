import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import type { Executor } from '../src/core/types.js';
import { CommandFailedError, PermissionDeniedError, SocketConnectionError } from '../src/errors.js';
import { HAProxy } from '../src/haproxy.js';
// Imported by path: the package entry also re-exports the fake HAProxy, built concurrently.
import { type RealHAProxy, startHAProxy } from '../../testing/src/real-haproxy.js';
import { describeWithHAProxy } from '../../testing/src/vitest.js';

const CONFIG = `global
    stats socket \${dir}/admin\${index}.sock mode 600 level admin
    stats socket \${dir}/user\${index}.sock mode 600 level user
    stats socket ipv4@127.0.0.1:\${port:cli\${index}} level admin
    stats timeout 2m
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be_app
    balance roundrobin
    http-request set-header X-Route %[req.hdr(host),map(\${dir}/routes.map)]
    server s1 127.0.0.1:1 weight 10
    server s2 127.0.0.1:2 weight 20
`;

describeWithHAProxy('discovery on real HAProxy (3 processes in one folder)', () => {
  let haproxy: RealHAProxy;
  let executor: Executor;

  beforeAll(async () => {
    haproxy = await startHAProxy({
      processes: 3,
      // `${port:cli${index}}` is not nested-expanded: give each process its own port name.
      config: (context) =>
        CONFIG.replaceAll('${dir}', context.dir)
          .replaceAll('${index}', String(context.index))
          .replace(/\$\{port:cli\d*\}/g, () => String(context.port(`cli${context.index}`))),
      files: { 'routes.map': '' },
    });
    executor = await createExecutor({ socketDir: haproxy.dir, timeout: 3000 });
  });
  afterAll(async () => {
    await executor?.close();
    await haproxy?.stop();
  });

  it('finds each process once (admin socket kept), identified by pid', async () => {
    const processes = await executor.processes();
    expect(processes).toHaveLength(3);
    expect(new Set(processes.map((process) => process.pid))).toEqual(
      new Set(haproxy.processes.map((process) => process.pid)),
    );
    for (const process of processes) {
      expect(process.endpoint).toMatch(/^unix:\/\/.*\/admin\d\.sock$/);
      expect(process.role).toBe('standalone');
      expect(process.current).toBe(true);
    }
  });

  it('fans a read out to every process and strips the framing', async () => {
    const outcomes = await executor.run('get weight be_app/s2', { idempotent: true });
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value : outcome.error))).toEqual([
      '20 (initial 20)\n',
      '20 (initial 20)\n',
      '20 (initial 20)\n',
    ]);
  });

  it('applies a write on every process; a silent success is the empty string', async () => {
    const outcomes = await executor.run('set weight be_app/s1 42');
    expect(outcomes.every((outcome) => outcome.ok && outcome.value === '')).toBe(true);
    const reads = await executor.run('get weight be_app/s1');
    expect(reads.map((outcome) => outcome.ok && outcome.value)).toEqual(Array(3).fill('42 (initial 10)\n'));
  });

  it('turns HAProxy error replies into CommandFailedError outcomes, single-LF ones included', async () => {
    for (const line of [
      'get weight be_app/nosuch',
      'set weight be_app/s1 abc',
      'del server be_app/nosuch',
      'frobnicate',
    ]) {
      const outcomes = await executor.run(line);
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(CommandFailedError);
          expect((outcome.error as CommandFailedError).command).toBe(line);
        }
      }
    }
    // the connection is still in sync afterwards
    const after = await executor.run('show cli level');
    expect(after.map((outcome) => outcome.ok && outcome.value)).toEqual(Array(3).fill('admin\n'));
  });

  it('keeps data and success messages as values (no misclassification)', async () => {
    const added = await executor.run('add server be_app/dyn 127.0.0.1:3');
    expect(added.map((outcome) => outcome.ok && outcome.value)).toEqual(
      Array(3).fill('New server registered.\n'),
    );
    const changed = await executor.run('set server be_app/dyn addr 127.0.0.4');
    for (const outcome of changed)
      expect(outcome.ok && outcome.value).toMatch(/^IP changed from '127\.0\.0\.1' to '127\.0\.0\.4'/);
    await executor.run('set server be_app/dyn state maint');
    const deleted = await executor.run('del server be_app/dyn');
    expect(deleted.map((outcome) => outcome.ok && outcome.value)).toEqual(Array(3).fill('Server deleted.\n'));
    const version = await executor.run('show version');
    for (const outcome of version) expect(outcome.ok && outcome.value).toMatch(/^2\.\d+\.\d+.*\n$/);
  });

  it('pipelines many commands per connection and matches replies in order', async () => {
    const lines = Array.from({ length: 300 }, (_, index) => `set weight be_app/s2 ${index % 200}`);
    const all = await Promise.all(lines.map((line) => executor.run(line)));
    expect(all.flat().every((outcome) => outcome.ok && outcome.value === '')).toBe(true);
    const reads = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        executor.run(index % 2 ? 'get weight be_app/s2' : 'show cli level', { idempotent: true }),
      ),
    );
    reads.forEach((outcomes, index) => {
      for (const outcome of outcomes) {
        expect(outcome.ok && outcome.value).toBe(index % 2 ? '99 (initial 20)\n' : 'admin\n');
      }
    });
  });

  it('sends chained lines on a one-shot connection, one result per process', async () => {
    const outcomes = await executor.run('show cli level; get weight be_app/s2');
    expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual(
      Array(3).fill('admin\n99 (initial 20)\n'),
    );
    const failed = await executor.run('show cli level; get weight be_app/nosuch');
    expect(failed.every((outcome) => !outcome.ok && outcome.error instanceof CommandFailedError)).toBe(true);
  });

  it('carries a payload in prompt mode (add map <<) with keys holding spaces and semicolons', async () => {
    const map = `${haproxy.dir}/routes.map`;
    const outcomes = await executor.run(`add map ${map}`, { payload: 'k1 v1\nk;2 v two\n' });
    expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual(['', '', '']);
    const shown = await executor.run(`show map ${map}`);
    for (const outcome of shown) {
      expect(outcome.ok && outcome.value.replace(/0x[0-9a-f]+ /g, '')).toBe('k1 v1\nk;2 v two\n');
    }
    const bad = await executor.run('show map /nonexistent.map', { payload: undefined });
    expect(bad.every((outcome) => !outcome.ok && outcome.error instanceof CommandFailedError)).toBe(true);
    await expect(executor.run(`add map ${map}`, { payload: 'a b\n\nc d' })).resolves.toSatisfy(
      (list: unknown[]) => list.every((outcome) => !(outcome as { ok: boolean }).ok),
    );
  });

  it('targets one process by ref', async () => {
    const [first] = await executor.processes();
    const outcomes = await executor.run('show info', { targets: [first!], idempotent: true });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.ok && outcomes[0]!.value).toContain(`Pid: ${first!.pid}\n`);
  });

  it('reaches the same processes over TCP endpoints (tcp://, host:port)', async () => {
    const ports = Object.values(haproxy.ports);
    const tcp = await createExecutor({
      endpoints: [`tcp://127.0.0.1:${ports[0]}`, `127.0.0.1:${ports[1]}`, `ipv4@127.0.0.1:${ports[2]}`],
    });
    try {
      const processes = await tcp.processes();
      expect(new Set(processes.map((process) => process.pid))).toEqual(
        new Set(haproxy.processes.map((process) => process.pid)),
      );
      const outcomes = await tcp.run('show cli level');
      expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual(Array(3).fill('admin\n'));
    } finally {
      await tcp.close();
    }
  });

  it('reports PermissionDeniedError on a user-level socket', async () => {
    const user = await createExecutor({ socketFile: `${haproxy.dir}/user1.sock` });
    try {
      const [outcome] = await user.run('set weight be_app/s1 1');
      expect(outcome!.ok).toBe(false);
      expect(!outcome!.ok && outcome!.error).toBeInstanceOf(PermissionDeniedError);
      const [read] = await user.run('get weight be_app/s2');
      expect(read!.ok).toBe(true);
    } finally {
      await user.close();
    }
  });

  it('works through HAProxy.connect; close() is idempotent and later calls reject', async () => {
    const hap = await HAProxy.connect({ socketDir: haproxy.dir });
    const outcomes = await hap.command('show cli level');
    expect(outcomes).toHaveLength(3);
    await hap.close();
    await hap.close();
    await expect(hap.command('show cli level')).rejects.toMatchObject({ name: 'ClientClosedError' });
    await expect(hap.executor.processes()).rejects.toMatchObject({ name: 'ClientClosedError' });
  });

  it('rejects an explicit endpoint that does not exist', async () => {
    await expect(createExecutor({ socketFile: `${haproxy.dir}/nope.sock` })).rejects.toBeInstanceOf(
      SocketConnectionError,
    );
  });
});

describe('createExecutor arguments', () => {
  it('requires a source', async () => {
    await expect(createExecutor({})).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });
});
