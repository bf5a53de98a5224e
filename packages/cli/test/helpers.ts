/**
 * Test helpers: an in-process terminal capture for `run(argv, io)`, and `hapctl()` that runs the
 * BUILT CLI (`packages/cli/dist/bin.js`) as a child process, like a user does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/io.js';

export const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(CLI_ROOT, '..', '..');
export const BIN = join(CLI_ROOT, 'dist', 'bin.js');

export interface Capture extends CliIo {
  out(): string;
  err(): string;
}

/** A CliIo whose streams are strings; `tty` makes stdout/stderr pretend to be terminals. */
export function captureIo(
  options: { tty?: boolean; columns?: number; env?: Record<string, string> } = {},
): Capture {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (chunk: string) => (out += chunk),
      isTTY: options.tty ?? false,
      columns: options.columns ?? 100,
      rows: 40,
    },
    stderr: {
      write: (chunk: string) => (err += chunk),
      isTTY: options.tty ?? false,
      columns: options.columns ?? 100,
    },
    env: { HOME: '/nonexistent-home', ...options.env },
    home: '/nonexistent-home',
    out: () => out,
    err: () => err,
  };
}

/**
 * Build the CLI and the packages it depends on when `dist/bin.js` is missing, or just the CLI when its
 * sources are newer than the build, once for all test files (a lock folder keeps parallel workers from
 * building at the same time).
 */
export function ensureBuilt(): void {
  if (upToDate()) return;
  const lock = join(CLI_ROOT, '.build-lock');
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker is building; a lock older than 3 minutes is from a crashed build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 200_000) throw new Error(`waited too long for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (upToDate()) return;
    const args = existsSync(BIN)
      ? ['--filter', '@haproxyadmin/cli', 'build']
      : ['--filter', '@haproxyadmin/cli...', 'build'];
    pnpm(args);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Run pnpm: the installed one, else the pinned version through npx (as scripts/run.mjs does). */
function pnpm(args: string[]): void {
  const options = { cwd: REPO_ROOT, stdio: 'pipe' as const, timeout: 170_000 };
  try {
    execFileSync('pnpm', args, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      packageManager: string;
    };
    execFileSync('npx', ['-y', manifest.packageManager, ...args], options);
  }
}

function upToDate(): boolean {
  return existsSync(BIN) && newestSource(join(CLI_ROOT, 'src')) <= statSync(BIN).mtimeMs;
}

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `hapctl` with argv; resolves with exit code and output. */
export function hapctl(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; input?: string; timeout?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: '/nonexistent-home', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
