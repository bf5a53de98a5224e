#!/usr/bin/env node
// The README's two commands: `npm run demo` and `npm test`. Needs only Node 20 and npm: pnpm is
// fetched with npx at the pinned version when it is not installed, then everything goes through it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1];

function pnpmCommand() {
  try {
    const version = execFileSync('pnpm', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (version === PNPM_VERSION) return ['pnpm'];
  } catch {}
  return ['npx', '-y', `pnpm@${PNPM_VERSION}`];
}

const pnpm = pnpmCommand();
function step(title, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const [command, ...rest] = [...pnpm, ...args];
  const result = spawnSync(command, rest, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const task = process.argv[2] ?? 'test';
step('install (pnpm, frozen lockfile)', ['install', '--frozen-lockfile']);
if (task === 'demo') {
  step('build', ['turbo', 'run', 'build', '--filter=@haproxyadmin/cli...', '--output-logs=errors-only']);
  step('hapctl demo', ['exec', 'node', 'packages/cli/dist/bin.js', 'demo', ...process.argv.slice(3)]);
} else if (task === 'test') {
  step('build + typecheck', ['turbo', 'run', 'build', 'typecheck', '--output-logs=errors-only']);
  step('lint + format (biome)', ['exec', 'biome', 'check', '.']);
  step('API reference (typedoc → docs/api)', ['exec', 'typedoc', '--logLevel', 'Error']);
  step('package lint (publint, attw, pack-and-import)', ['run', 'package-lint']);
  const report = join(root, 'node_modules', '.cache', 'vitest-report.json');
  rmSync(report, { force: true });
  console.log('\n▶ tests (vitest: unit, property, fake and real-HAProxy integration)');
  const [command, ...rest] = [
    ...pnpm,
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  const result = spawnSync(command, rest, { cwd: root, stdio: 'inherit' });
  if (existsSync(report)) {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = summary.numPendingTests + summary.numTodoTests;
    console.log(
      `\nvitest: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`,
    );
  }
  process.exit(result.status ?? 1);
} else {
  console.error(`unknown task ${task}: use demo or test`);
  process.exit(2);
}
