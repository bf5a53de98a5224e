/**
 * The multi-step example of docs/plugin-author-guide.md, taken from the guide itself: it type-checks,
 * and it reports failures as single-line commands do (`settle()`): a failure on every process alike
 * throws that error itself, a partial failure an `AggregateProcessError` with every outcome.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { command, err } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateProcessError, CommandFailedError, HAProxy } from '../src/index.js';
import type { Command } from '../src/plugin/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The ```ts block of the guide that defines `resetTables`. */
function guideExample(): string {
  const guide = readFileSync(join(root, 'docs/plugin-author-guide.md'), 'utf8');
  const block = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((code) => code.includes('export const resetTables'));
  if (!block) throw new Error('no resetTables example in the guide');
  return block;
}

describe('the plugin author guide: multi-step example', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config: 'backend st_users\n    stick-table type string size 1k store gpc0\n',
  });
  let dir: string;
  let resetTables: Command<[tables: readonly string[]], void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qa2-guide-'));
    writeFileSync(join(dir, 'example.ts'), guideExample());
    ({ resetTables } = await import(join(dir, 'example.ts')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks under the repository settings', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram([join(dir, 'example.ts')], { ...parsed.options, noEmit: true });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(messages).toEqual([]);
  }, 60_000);

  it('a failure on every process alike throws that error, as a single-line command does', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir });
    try {
      const error = await hap.execute(resetTables, ['no_such_table']).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error).not.toBeInstanceOf(AggregateProcessError);
    } finally {
      await hap.close();
    }
  });

  it('a failure on one process only rejects with every outcome', async () => {
    const [, second] = cluster.current.processes;
    second!.use(command('clear table', () => err('No such table')));
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir });
    try {
      const error = await hap.execute(resetTables, ['st_users']).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AggregateProcessError);
      expect((error as AggregateProcessError).outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    } finally {
      await hap.close();
    }
  });
});
