/**
 * A reader that goes away early (`hapctl … | head -1`): the built CLI stops quietly — no `write EPIPE`
 * stack trace, exit 0 — instead of crashing.
 */
import { spawn } from 'node:child_process';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { BIN, REPO_ROOT, captureIo, ensureBuilt } from './helpers.js';

/** Run the built CLI, close its stdout after the first chunk, resolve with exit code and stderr. */
function readFirstChunkThenClose(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: '/nonexistent-home' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('stdout closed early (| head)', () => {
  beforeAll(ensureBuilt, 240_000);
  const fake = setupFakeCluster({ processes: 4, config: DEMO_CONFIG, files: DEMO_FILES });
  const source = () => ['--socket-dir', fake.current.socketDir];

  it('watch (frames one after another in a pipe) exits 0 without a stack when the reader is gone', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await readFirstChunkThenClose(['watch', '--interval', '50ms', ...source()]);
      expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
  }, 60_000);

  it('raw "show stat" and watch --once --json: no stack trace, exit 0', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const argv of [
        ['raw', 'show stat'],
        ['watch', '--once', '--json'],
      ]) {
        const result = await readFirstChunkThenClose([...argv, ...source()]);
        expect(result.stderr, argv.join(' ')).toBe('');
        expect(result.code, argv.join(' ')).toBe(0);
      }
    }
  }, 60_000);

  it('stderr closed before an error is written: the command keeps its own exit code (3), no crash', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'servers', 'nosuch', ...source()], {
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH, HOME: '/nonexistent-home' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        child.stderr.destroy(); // nobody reads stderr
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.on('error', reject);
        child.on('close', (exit) => {
          clearTimeout(timer);
          resolve(exit);
        });
      });
      expect(code).toBe(3);
    }
  }, 60_000);

  it('in-process: a stdout whose write throws EPIPE does not make the command fail', async () => {
    const io = captureIo();
    let writes = 0;
    io.stdout.write = () => {
      writes++;
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    expect(await run(['servers', ...source()], io)).toBe(0);
    expect(await run(['raw', 'show info', ...source()], io)).toBe(0);
    expect(writes).toBe(2); // the first failed write stops each command's output
    expect(io.err()).toBe('');
  });
});
