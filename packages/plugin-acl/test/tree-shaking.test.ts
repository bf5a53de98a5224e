/**
 * Importing one command from the built plugin bundles that command only: every command is a pure
 * `defineCommand()` call, the package has `"sideEffects": false`, and nothing registers globally.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, expect, test } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const external = ['@haproxyadmin/sdk', '@haproxyadmin/sdk/plugin', '@haproxyadmin/protocol'];
let dir: string;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Build a plugin the way its tsup config does (ESM), then bundle an entry importing `names` from it. */
async function bundleImporting(plugin: string, names: string[]): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), 'haproxyadmin-treeshake-'));
  const built = join(dir, plugin);
  await build({
    config: false,
    entry: { index: join(packages, plugin, 'src/index.ts') },
    outDir: built,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    silent: true,
    external,
    tsconfig: join(packages, plugin, 'tsconfig.build.json'),
  });
  const entry = join(dir, `${plugin}-consumer.mjs`);
  await writeFile(entry, `export { ${names.join(', ')} } from ${JSON.stringify(join(built, 'index.js'))};\n`);
  const out = join(dir, `${plugin}-bundle`);
  await build({
    config: false,
    entry: { consumer: entry },
    outDir: out,
    format: ['esm'],
    platform: 'node',
    silent: true,
    external,
    treeshake: true,
  });
  const file = (await readdir(out)).find((name) => /^consumer\.m?js$/.test(name));
  if (!file) throw new Error(`no bundle in ${out}: ${(await readdir(out)).join(', ')}`);
  return readFile(join(out, file), 'utf8');
}

test('one ACL command bundles without the others', async () => {
  const code = await bundleImporting('plugin-acl', ['addAclEntry']);
  expect(code).toContain('add acl');
  for (const other of [
    'replaceVersioned',
    'add acl @',
    'sync acl',
    'get acl',
    'clear acl',
    'del acl',
    'show acl',
  ]) {
    expect(code, other).not.toContain(other);
  }
  expect(code).not.toContain('definePlugin');
}, 60_000);

test('one map command bundles without the others', async () => {
  const code = await bundleImporting('plugin-map', ['setMapEntry']);
  expect(code).toContain('set map');
  for (const other of ['replaceVersioned', 'sync map', 'get map', 'clear map', 'del map', 'add map']) {
    expect(code, other).not.toContain(other);
  }
  const all = await bundleImporting('plugin-map', ['mapPlugin']);
  for (const command of ['replaceVersioned', 'add map @', 'get map', 'del map', 'set map'])
    expect(all).toContain(command);
}, 60_000);
