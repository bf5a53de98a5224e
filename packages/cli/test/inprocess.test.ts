/**
 * `run(argv, io)` in-process against a 4-process fake cluster: terminal behaviour that a pipe cannot
 * show — colours (and NO_COLOR), fitting the width, confirmations on a terminal, progress bars.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeCluster } from '@haproxyadmin/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { stripAnsi } from '../src/io.js';
import { type Capture, captureIo } from './helpers.js';

/** A terminal whose stdin answers `answer` when asked. */
function terminal(
  answer?: string,
  options: { columns?: number; env?: Record<string, string> } = {},
): Capture {
  const io = captureIo({ tty: true, ...options });
  const listeners = new Set<(chunk: string) => void>();
  io.stdin = {
    isTTY: true,
    on: (_event, listener) => listeners.add(listener as (chunk: string) => void),
    off: (_event, listener) => listeners.delete(listener as (chunk: string) => void),
    resume: () => {
      if (answer === undefined) return;
      setTimeout(() => {
        for (const listener of listeners) listener(`${answer}\n`);
      }, 5);
    },
    pause: () => {},
  };
  return io;
}

describe('hapctl in a terminal (in-process)', () => {
  let cluster: Awaited<ReturnType<typeof createFakeCluster>>;
  let source: string[];
  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 4, config: DEMO_CONFIG, files: DEMO_FILES });
    source = ['--socket-dir', cluster.socketDir];
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('colours on a terminal, none with NO_COLOR or in a pipe', async () => {
    const tty = terminal();
    expect(await run(['servers', ...source], tty)).toBe(0);
    expect(tty.out()).toContain('\x1b[1mBACKEND'); // bold header
    expect(tty.out()).toContain('\x1b[32mUP\x1b[39m'); // green status
    const noColor = terminal(undefined, { env: { NO_COLOR: '1' } });
    expect(await run(['servers', ...source], noColor)).toBe(0);
    expect(noColor.out()).not.toContain('\x1b[');
    expect(noColor.out()).toBe(stripAnsi(tty.out()));
    const flag = terminal();
    expect(await run(['servers', '--no-color', ...source], flag)).toBe(0);
    expect(flag.out()).not.toContain('\x1b[');
  });

  it('fits the terminal width: truncates names, drops the least useful columns', async () => {
    const narrow = terminal(undefined, { columns: 50 });
    expect(await run(['servers', '--per-process', ...source], narrow)).toBe(0);
    const lines = stripAnsi(narrow.out()).trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
    expect(lines[0]).toMatch(/^BACKEND\s+NAME\s+PROCESS\s+STATUS\s+WEIGHT/);
    expect(lines[0]).not.toContain('LASTCHG');
    const wide = captureIo(); // a pipe: nothing cut
    expect(await run(['servers', '--per-process', ...source], wide)).toBe(0);
    expect(wide.out()).toContain('LASTCHG');
  });

  it('asks before destructive actions on a terminal: "n" aborts, "y" proceeds', async () => {
    const no = terminal('n');
    expect(await run(['server', 'shutdown', 'be_app/web1', ...source], no)).toBe(1);
    expect(no.err()).toContain('shut down every session of be_app/web1? [y/N]');
    expect(no.err()).toContain('aborted');
    const yes = terminal('y');
    expect(await run(['server', 'shutdown', 'be_app/web1', ...source], yes)).toBe(0);
    expect(stripAnsi(yes.out())).toContain('✔ sessions shut down: be_app/web1');
    const calls = cluster.processes.map(
      (fake) => fake.calls.filter((call) => call.line.startsWith('shutdown sessions')).length,
    );
    expect(calls).toEqual([1, 1, 1, 1]);
  });

  it('draws a progress bar on a terminal for bulk loads, and none in a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapctl-'));
    const file = join(dir, 'patterns.txt');
    writeFileSync(file, Array.from({ length: 1200 }, (_, i) => `/path/${i}`).join('\n'));
    const acl = `${cluster.socketDir}/blocked.acl`;
    const tty = terminal();
    expect(await run(['acl', 'replace', acl, file, ...source], tty)).toBe(0);
    expect(tty.err()).toMatch(/loading acl .*blocked\.acl \[#+\.*\] \d+\/4800/);
    expect(tty.err().endsWith('\r\x1b[2K')).toBe(true); // the bar is erased at the end
    expect(stripAnsi(tty.out())).toContain('replaced with 1200 patterns');
    for (const fake of cluster.processes) expect(await fake.send(`show acl ${acl}`)).toContain('/path/1199');
    const pipe = captureIo();
    expect(await run(['acl', 'replace', acl, file, ...source], pipe)).toBe(0);
    expect(pipe.err()).toBe('');
  });

  it('replace - reads the stdin given to run(): map entries and ACL patterns, singular wording for one', async () => {
    const piped = (text: string): Capture => {
      const io = captureIo();
      io.stdin = {
        on: () => {},
        off: () => {},
        async *[Symbol.asyncIterator]() {
          // split inside a multi-byte character: decoded as one text, not per chunk
          const bytes = Buffer.from(text);
          yield bytes.subarray(0, 7);
          yield bytes.subarray(7);
        },
      };
      return io;
    };
    const map = `${cluster.socketDir}/hosts.map`;
    const mapIo = piped('# from stdin\nwww.example.com be_app\nÿ.example.com be_api\n');
    expect(await run(['map', 'replace', map, '-', ...source], mapIo), mapIo.err()).toBe(0);
    expect(mapIo.out()).toContain('replaced with 2 entries');
    for (const fake of cluster.processes) {
      const shown = await fake.send(`show map ${map}`);
      expect(shown).toContain('ÿ.example.com be_api');
      expect(shown.trim().split('\n')).toHaveLength(2);
    }
    const acl = `${cluster.socketDir}/blocked.acl`;
    const aclIo = piped('/only/one\n');
    expect(await run(['acl', 'replace', acl, '-', ...source], aclIo), aclIo.err()).toBe(0);
    expect(aclIo.out()).toContain('replaced with 1 pattern (atomic)');
    for (const fake of cluster.processes) {
      expect((await fake.send(`show acl ${acl}`)).trim().split('\n')).toHaveLength(1);
    }
  });

  it('--all writes every server of a backend with a progress bar', async () => {
    const tty = terminal();
    expect(await run(['server', 'set-state', '--backend', 'be_app', '--all', 'maint', ...source], tty)).toBe(
      0,
    );
    expect(tty.err()).toContain('state maint [');
    expect(tty.err()).toContain('3/3');
    for (const fake of cluster.processes) {
      const stat = await fake.send('show stat be_app 4 -1');
      expect(stat.match(/MAINT/g)).toHaveLength(3);
    }
  });

  it('watch without a terminal prints frame after frame until SIGINT', async () => {
    const io = captureIo();
    let interrupt: (() => void) | undefined;
    io.onSignal = (signal, listener) => {
      if (signal === 'SIGINT') interrupt = listener;
      return () => {
        if (signal === 'SIGINT') interrupt = undefined;
      };
    };
    const running = run(['watch', '--interval', '50ms', ...source], io);
    const deadline = Date.now() + 5000;
    while ((io.out().match(/^hapctl watch/gm)?.length ?? 0) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(interrupt).toBeDefined();
    await cluster.processes[0]!.send('set weight be_db/db1 9');
    while (!io.out().includes('be_db/db1: weight') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    interrupt!();
    expect(await running).toBe(0);
    expect(interrupt).toBeUndefined(); // the handler was removed
    expect(io.out()).not.toContain('\x1b[');
    expect(io.out()).toMatch(/server be_db\/db1: weight 1 → MIXED/);
  });

  it('--master: every worker behind a master CLI', async () => {
    const mastered = await createFakeCluster({
      processes: 3,
      config: DEMO_CONFIG,
      files: DEMO_FILES,
      master: true,
    });
    try {
      const io = captureIo();
      expect(await run(['frontends', '--json', '--master', mastered.masterSocket!], io)).toBe(0);
      const [first] = JSON.parse(io.out()) as Array<{ processes: number }>;
      expect(first!.processes).toBe(3);
    } finally {
      await mastered.close();
    }
  });

  it('server drain --wait on a terminal: remaining sessions per tick on stderr, erased at the end', async () => {
    cluster.processes[0]!.setSessions({ backend: 'be_api', server: 'api1' }, 3);
    setTimeout(() => cluster.processes[0]!.setSessions({ backend: 'be_api', server: 'api1' }, 1), 700);
    setTimeout(() => cluster.processes[0]!.setSessions({ backend: 'be_api', server: 'api1' }, 0), 1400);
    const tty = terminal();
    expect(
      await run(['server', 'drain', 'be_api/api1', '--wait', '--drain-timeout', '10s', ...source], tty),
    ).toBe(0);
    const err = stripAnsi(tty.err());
    expect(err).toContain('draining be_api/api1');
    expect(err).toContain('3 sessions left');
    expect(err).toContain('1 session left');
    expect(tty.err().endsWith('\r\x1b[2K')).toBe(true);
    expect(stripAnsi(tty.out())).toMatch(
      /^✔ drained: be_api\/api1 \(no session left, \d+\.\ds\), now MAINT$/m,
    );
    expect(await run(['server', 'ready', 'be_api/api1', ...source], captureIo())).toBe(0);
  });

  it('server drain --wait: Ctrl-C stops waiting, the server stays in DRAIN, exit 130', async () => {
    cluster.processes[1]!.setSessions({ backend: 'be_api', server: 'api2' }, 2);
    const io = captureIo();
    const listeners: Array<() => void> = [];
    io.onSignal = (signal, listener) => {
      if (signal === 'SIGINT') listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    };
    setTimeout(() => {
      for (const listener of [...listeners]) listener();
    }, 600);
    const started = Date.now();
    expect(await run(['server', 'drain', 'be_api/api2', '--wait', ...source], io)).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(listeners).toEqual([]);
    expect(io.err()).toBe('hapctl: interrupted: be_api/api2 stays in DRAIN\n');
    const state = captureIo();
    expect(await run(['server', 'state', 'be_api/api2', '--json', ...source], state)).toBe(0);
    const entries = JSON.parse(state.out()) as Array<{ drain: boolean; maintenance: boolean }>;
    expect(entries.every((entry) => entry.drain && !entry.maintenance)).toBe(true);
    cluster.processes[1]!.setSessions({ backend: 'be_api', server: 'api2' }, 0);
    expect(await run(['server', 'ready', 'be_api/api2', ...source], captureIo())).toBe(0);
  });
});
