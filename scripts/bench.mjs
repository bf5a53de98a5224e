#!/usr/bin/env node
// `pnpm bench`: run every benchmark file `packages/*/bench/*.bench.*` one after another (never in
// parallel: they measure time). JavaScript files (.mjs/.js/.cjs) run with node; TypeScript ones are
// listed as skipped, since node 20 cannot run them without a loader this repository does not have.
// Benchmarks import their package's build, so the packages that have benchmarks are built first.
// Not a test: results are printed, nothing is asserted.
//
//   pnpm bench                 # all benchmarks
//   pnpm bench protocol        # only files whose path contains "protocol"
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2];
const files = [];
for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const folder = join(root, 'packages', entry.name, 'bench');
  if (!existsSync(folder)) continue;
  for (const file of readdirSync(folder).sort()) {
    if (/\.bench\.[a-z]+$/.test(file)) files.push(join(folder, file));
  }
}
const matching = files.filter((file) => !filter || relative(root, file).includes(filter));
for (const file of matching.filter((name) => !/\.(mjs|js|cjs)$/.test(name))) {
  console.log(`skipped ${relative(root, file)}: write benchmarks as .mjs (node cannot run .ts directly)`);
}
const selected = matching.filter((file) => /\.(mjs|js|cjs)$/.test(file));
if (selected.length === 0) {
  console.log(
    filter ? `no benchmark matches "${filter}"` : 'no benchmark found (packages/*/bench/*.bench.mjs)',
  );
  process.exit(0);
}

const packages = [...new Set(selected.map((file) => relative(root, dirname(dirname(file)))))];
console.log(`▶ build ${packages.join(', ')}`);
const build = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--output-logs=errors-only',
    ...packages.map((folder) => `--filter=./${folder}`),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const file of selected) {
  console.log(`\n▶ ${relative(root, file)}`);
  // --expose-gc lets a benchmark start each measured run from a collected heap.
  const result = spawnSync(process.execPath, ['--expose-gc', file], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`✖ ${relative(root, file)} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
