#!/usr/bin/env node
// Checks the published shape of every package: publint, @arethetypeswrong/cli, that `exports`
// matches the build entries, and a pack-and-import test from fresh ESM and CJS projects.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(join(packagesDir, name, 'package.json')),
);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
let failed = false;

for (const name of packages) {
  const dir = join(packagesDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // Every export target must exist after the build.
  for (const [subpath, conditions] of Object.entries(manifest.exports)) {
    if (typeof conditions === 'string') continue;
    for (const condition of Object.values(conditions)) {
      for (const file of Object.values(condition)) {
        if (!existsSync(join(dir, file))) {
          console.error(`✖ ${manifest.name}: exports["${subpath}"] points at missing ${file}`);
          failed = true;
        }
      }
    }
  }
  try {
    run(bin('publint'), ['--strict'], dir);
    console.log(`✔ publint ${manifest.name}`);
  } catch (error) {
    console.error(`✖ publint ${manifest.name}\n${error.stdout}${error.stderr}`);
    failed = true;
  }
  // Entries published for `import` only (they load vitest, which is ESM-only) are checked with the
  // esm-only profile; everything else must work from both ESM and CJS (node16).
  const esmOnly = Object.entries(manifest.exports)
    .filter(([, conditions]) => typeof conditions === 'object' && !('require' in conditions))
    .map(([subpath]) => subpath);
  const attwRuns = [
    ['--profile', 'node16', ...(esmOnly.length > 0 ? ['--exclude-entrypoints', ...esmOnly] : [])],
    ...(esmOnly.length > 0 ? [['--profile', 'esm-only', '--entrypoints', ...esmOnly]] : []),
  ];
  try {
    for (const args of attwRuns) run(bin('attw'), ['--pack', '.', ...args, '--format', 'table-flipped'], dir);
    console.log(`✔ attw ${manifest.name}${esmOnly.length > 0 ? ` (ESM-only: ${esmOnly.join(', ')})` : ''}`);
  } catch (error) {
    console.error(`✖ attw ${manifest.name}\n${error.stdout}${error.stderr}`);
    failed = true;
  }
}

// Pack every package and import each entry from a fresh ESM and a fresh CJS project.
const scratch = mkdtempSync(join(tmpdir(), 'haproxyadmin-pack-'));
try {
  const tarballs = packages.map((name) => {
    const output = run('pnpm', ['pack', '--pack-destination', scratch], join(packagesDir, name))
      .trim()
      .split('\n');
    return output[output.length - 1];
  });
  const consumer = join(scratch, 'consumer');
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', ...tarballs], consumer);
  const specifiers = packages.flatMap((name) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'));
    // Entries built on the optional `vitest` peer (test helpers) cannot load without it.
    const needsVitest = (conditions) =>
      /from ["']vitest["']|require\(["']vitest["']\)/.test(
        readFileSync(join(packagesDir, name, conditions.import.default), 'utf8'),
      );
    return Object.entries(manifest.exports)
      .filter(([subpath, conditions]) => subpath !== './package.json' && !needsVitest(conditions))
      .map(([subpath]) => manifest.name + subpath.slice(1));
  });
  writeFileSync(
    join(consumer, 'esm.mjs'),
    specifiers
      .map(
        (s, i) =>
          `import * as m${i} from '${s}'; if (!Object.keys(m${i}).length) throw new Error('${s} is empty');`,
      )
      .join('\n'),
  );
  writeFileSync(
    join(consumer, 'cjs.cjs'),
    specifiers
      .map((s) => `if (!Object.keys(require('${s}')).length) throw new Error('${s} is empty');`)
      .join('\n'),
  );
  run('node', ['esm.mjs'], consumer);
  run('node', ['cjs.cjs'], consumer);
  console.log(`✔ pack-and-import: ${specifiers.length} entries load from ESM and CJS`);
} catch (error) {
  console.error(`✖ pack-and-import\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  failed = true;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
