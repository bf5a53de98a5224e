/**
 * Commands the object model did not build — `hap.command()`, `hap.execute()`, a plugin's commands —
 * may be writes: a read issued after one completed never joins a dump sent before it started.
 */
import { describe, expect, it } from 'vitest';
import { defineCommand, definePlugin } from '../src/plugin/index.js';
import { HAProxy } from '../src/index.js';
import { capturedRows, col, createTestExecutor, makeProcess, responder, type Row } from './model-helpers.js';

/** Two processes; `show stat` replies take 60 ms, other commands answer at once; `set weight` applies. */
function slowDumps() {
  let weight = 10;
  const rows = (): Row[] => {
    const all = capturedRows();
    const s2 = all.find((row) => row[0] === 'be_app' && row[1] === 's2')!;
    s2[col('weight')] = String(weight);
    s2[col('uweight')] = String(weight);
    return all;
  };
  const executor = createTestExecutor([makeProcess(0), makeProcess(1)], responder(rows));
  const run = executor.run.bind(executor);
  executor.run = async (line, options) => {
    if (line.startsWith('show stat')) {
      const snapshot = run(line, options); // answered with the state at send time
      await new Promise((resolve) => setTimeout(resolve, 60));
      return snapshot;
    }
    const match = /^set weight be_app\/s2 (\d+)$/.exec(line);
    if (match) weight = Number(match[1]);
    return run(line, options);
  };
  return executor;
}

const setWeight = defineCommand({
  id: 'test set weight',
  run: async (context, value: number) => {
    await context.run(`set weight be_app/s2 ${value}`);
  },
});

describe('raw and plugin commands invalidate dumps in flight', () => {
  for (const [name, write] of [
    ['hap.command()', (hap: HAProxy, value: number) => hap.command(`set weight be_app/s2 ${value}`)],
    ['hap.execute()', (hap: HAProxy, value: number) => hap.execute(setWeight, value)],
    [
      'an installed plugin command',
      (hap: HAProxy, value: number) =>
        (hap as unknown as { t: { setWeight(v: number): Promise<void> } }).t.setWeight(value),
    ],
  ] as const) {
    it(`${name}: a read after it completed sees the write, not the dump in flight`, async () => {
      const executor = slowDumps();
      const hap = await HAProxy.connect({
        executor,
        plugins: [definePlugin({ name: 't', apiVersion: 1, commands: { setWeight } })],
      });
      const [s2] = await hap.server('s2', { backend: 'be_app' });
      expect(await s2!.weight()).toBe(10);
      const before = s2!.weight(); // a dump in flight, answered with weight 10
      await new Promise((resolve) => setTimeout(resolve, 10));
      await write(hap, 20);
      expect(await s2!.weight()).toBe(20);
      expect(await before).toBe(10);
    });
  }
});
