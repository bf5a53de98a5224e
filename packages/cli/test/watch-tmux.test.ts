/**
 * `hapctl watch` in a real pseudo-terminal (tmux): alternate screen and hidden cursor while it runs,
 * a change made by another client (a raw socket) shows up highlighted, and `q` / Ctrl-C restore the
 * terminal.
 */
import { execFileSync } from 'node:child_process';
import { createFakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { BIN, ensureBuilt } from './helpers.js';

const SERVER = `hapctl-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SERVER, ...args], { encoding: 'utf8' });
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

async function waitFor(check: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

(hasTmux ? describe : describe.skip)('hapctl watch in tmux', () => {
  let cluster: Awaited<ReturnType<typeof createFakeCluster>>;
  beforeAll(async () => {
    ensureBuilt();
    cluster = await createFakeCluster({ processes: 4, config: DEMO_CONFIG, files: DEMO_FILES });
  }, 240_000);
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await cluster?.close();
  });

  const start = (session: string) => {
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      // The shell stays after hapctl exits, so the terminal state it leaves behind can be checked.
      `${process.execPath} ${BIN} watch --socket-dir ${cluster.socketDir} --interval 250ms; echo "hapctl exited $?"; sleep 60`,
    );
  };
  const exited = (session: string) => /hapctl exited (\d+)/.exec(pane(session))?.[1];
  const pane = (session: string) => tmux('capture-pane', '-p', '-t', session);
  const flag = (session: string, name: string) =>
    tmux('display-message', '-p', '-t', session, `#{${name}}`).trim();

  it('shows a live view, highlights a change made by another client, and restores the terminal on q', async () => {
    start('w1');
    await waitFor(() => pane('w1').includes('be_app/web1'), 'the first frame');
    expect(flag('w1', 'alternate_on')).toBe('1');
    expect(flag('w1', 'cursor_flag')).toBe('0');
    const first = pane('w1');
    expect(first).toMatch(/hapctl watch\s+4 processes/);
    expect(first).toMatch(/be_app\/web1\s+UP\s+100\b/);

    // Another client changes a weight and a state on every process, through raw sockets.
    for (const fake of cluster.processes) {
      await fake.send('set weight be_app/web1 7');
      await fake.send('set server be_app/web2 state maint');
    }
    await waitFor(() => /be_app\/web1: weight 100 → 7/.test(pane('w1')), 'the weight change');
    const changed = pane('w1');
    expect(changed).toMatch(/be_app\/web1\s+UP\s+7\b/);
    expect(changed).toMatch(/be_app\/web2\s+MAINT/);
    expect(changed).toMatch(/server be_app\/web2: UP → MAINT/);

    tmux('send-keys', '-t', 'w1', 'q');
    await waitFor(() => exited('w1') !== undefined, 'hapctl to exit');
    expect(exited('w1')).toBe('0');
    expect(flag('w1', 'alternate_on')).toBe('0');
    expect(flag('w1', 'cursor_flag')).toBe('1');
  });

  it('Ctrl-C also exits cleanly and restores the terminal', async () => {
    start('w2');
    await waitFor(() => pane('w2').includes('FRONTENDS'), 'the first frame');
    tmux('send-keys', '-t', 'w2', 'C-c');
    await waitFor(() => exited('w2') !== undefined, 'hapctl to exit');
    expect(exited('w2')).toBe('0');
    expect(flag('w2', 'alternate_on')).toBe('0');
    expect(flag('w2', 'cursor_flag')).toBe('1');
  });

  it('SIGINT (and SIGTERM) exit cleanly and restore the terminal', async () => {
    for (const [session, signal] of [
      ['w3', 'SIGINT'],
      ['w4', 'SIGTERM'],
    ] as const) {
      start(session);
      await waitFor(() => pane(session).includes('FRONTENDS'), 'the first frame');
      expect(flag(session, 'alternate_on')).toBe('1');
      // The pane runs `sh -c "node … watch …; echo …"`: hapctl is the shell's only child.
      const shell = flag(session, 'pane_pid');
      const pid = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim());
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, signal);
      await waitFor(() => exited(session) !== undefined, 'hapctl to exit');
      expect(exited(session)).toBe('0');
      expect(flag(session, 'alternate_on')).toBe('0');
      expect(flag(session, 'cursor_flag')).toBe('1');
    }
  });
});
