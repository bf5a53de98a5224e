import { serializeCommand, tokenizeCommandLine } from '@haproxyadmin/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor } from '../src/core/create-executor.js';
import type { Executor } from '../src/core/types.js';
import { splitCommandLine } from '@haproxyadmin/protocol';
import { needsOneShot } from '../src/transport/stream-transport.js';
import { type FakeCli, fakeCli, info, tempDir } from './transport.helpers.js';

/** Any text HAProxy can carry in one word: no CR, LF or NUL, not empty. */
const argument = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(' ', '\t', ';', '\\', '#', '<', '<<', '"', "'", '@', '!', '%', '>'),
      fc.string({ minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength: 16,
  })
  .filter((text) => !/[\r\n\0]/.test(text));

describe('escaping round trip', () => {
  it('arbitrary arguments never produce a command line other than the intended one', () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 5 }), (args) => {
        const line = serializeCommand('add map', ...args);
        expect(tokenizeCommandLine(line)).toEqual([['add', 'map', ...args]]);
        // one command: it goes over the pipelined connection, never split or re-routed
        expect(splitCommandLine(line)).toHaveLength(1);
        expect(needsOneShot(line)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  describe('through the executor, byte for byte to the socket', () => {
    let dir: ReturnType<typeof tempDir>;
    let fake: FakeCli;
    let executor: Executor;
    beforeAll(async () => {
      dir = tempDir();
      fake = await fakeCli(`${dir.dir}/a.sock`, (line) =>
        line === 'show info' ? info(7) : line === 'show cli level' ? 'admin\n\n' : '\n',
      );
      executor = await createExecutor({ socketDir: dir.dir });
    });
    afterAll(async () => {
      await executor.close();
      await fake.close();
      dir.remove();
    });

    it('the server reads back exactly the arguments', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(argument, { minLength: 1, maxLength: 4 }), async (args) => {
          fake.lines.length = 0;
          const line = serializeCommand('set map', ...args);
          const [outcome] = await executor.run(line);
          expect(outcome!.ok).toBe(true);
          expect(fake.lines).toEqual([line]);
          expect(tokenizeCommandLine(fake.lines[0]!)).toEqual([['set', 'map', ...args]]);
        }),
        { numRuns: 200 },
      );
    });
  });
});
