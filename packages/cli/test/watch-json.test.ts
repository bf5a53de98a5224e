/** `hapctl watch --json`: the frame's data as JSON (one object with --once, one line per tick otherwise). */
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

interface Frame {
  time: string;
  version: string;
  processes: number;
  intervalMs: number;
  frontends: Array<Record<string, unknown>>;
  backends: Array<Record<string, unknown>>;
  servers: Array<Record<string, unknown>>;
  changes: Array<Record<string, unknown>>;
}

describe('watch --json', () => {
  const cluster = setupFakeCluster({ processes: 2, config: DEMO_CONFIG, files: DEMO_FILES });
  const source = () => ['--socket-dir', cluster.current.socketDir];

  it('--once --json prints one JSON frame: frontends, backends, servers, changes', async () => {
    const io = captureIo();
    expect(await run(['watch', '--once', '--json', ...source()], io), io.err()).toBe(0);
    expect(io.out()).not.toContain('FRONTENDS');
    const frame = JSON.parse(io.out()) as Frame;
    expect(frame.processes).toBe(2);
    expect(frame.intervalMs).toBe(2000);
    expect(Number.isNaN(Date.parse(frame.time))).toBe(false);
    expect(frame.frontends.map((f) => f.name)).toEqual(['fe_http', 'fe_db']);
    expect(frame.frontends[0]).toMatchObject({ name: 'fe_http', status: 'OPEN', scur: 0, req_tot: 0 });
    expect(frame.backends.map((b) => b.name)).toEqual(['be_app', 'be_api', 'be_db']);
    expect(frame.servers).toContainEqual(
      expect.objectContaining({ backend: 'be_app', name: 'web3', weight: 50, status: expect.any(String) }),
    );
    expect(frame.changes).toEqual([]);
  });

  it('--json without --once: one JSON line per tick, with structured changes', async () => {
    const io = captureIo();
    let interrupt: (() => void) | undefined;
    io.onSignal = (signal, listener) => {
      if (signal === 'SIGINT') interrupt = listener;
      return () => {};
    };
    const running = run(['watch', '--json', '--interval', '50ms', ...source()], io);
    const frames = () =>
      io
        .out()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Frame);
    const deadline = Date.now() + 5000;
    while (frames().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const fake of cluster.current.processes) await fake.send('set weight be_db/db1 7');
    while (!frames().some((frame) => frame.changes.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    interrupt!();
    expect(await running).toBe(0);
    expect(io.out()).not.toContain('\x1b[');
    const changed = frames().find((frame) => frame.changes.length > 0)!;
    expect(changed.changes[0]).toMatchObject({
      kind: 'server',
      name: 'be_db/db1',
      weight: { from: 1, to: 7 },
    });
  });
});
