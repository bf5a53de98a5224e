/**
 * `@haproxyadmin/testing/conformance`: a Runtime API conformance suite. It starts a target from a
 * known configuration, sends the same command scripts, and compares the (normalised) answers with what
 * a real HAProxy 2.6.12 answers. Run it against a real HAProxy and against the fake to prove they agree.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { CONFORMANCE_CONFIG, CONFORMANCE_FILES } from './config.js';
import { CONFORMANCE_EXPECTED } from './expected.js';
import { type ConformanceStart, type ConformanceTarget, runScript } from './runner.js';
import { CONFORMANCE_SCRIPTS, type ConformanceScript } from './scripts.js';

export { CONFORMANCE_CONFIG, CONFORMANCE_FILES, CONFORMANCE_TABLES_CONFIG } from './config.js';
export { CONFORMANCE_EXPECTED } from './expected.js';
export { type Normalizer, normalize } from './normalize.js';
export {
  type ConformanceStart,
  type ConformanceStartOptions,
  type ConformanceTarget,
  exchange,
  runScript,
} from './runner.js';
export { CONFORMANCE_SCRIPTS, type ConformanceScript, type ConformanceStep } from './scripts.js';

/** Options of {@link describeRuntimeApiConformance}. */
export interface RuntimeApiConformanceOptions {
  /** Shown in the describe block name. */
  name: string;
  /** Start a target from the suite's configuration. */
  start: ConformanceStart;
  /** Only the scripts whose name passes this filter. */
  filter?: (script: ConformanceScript) => boolean;
  /** Skip the master CLI scripts (targets without one). */
  master?: boolean;
  /** Collect the answers here instead of asserting (used to record the expected answers from a real HAProxy). */
  record?: Record<string, string[]>;
}

/**
 * Define one vitest test per conformance script: start a target from {@link CONFORMANCE_CONFIG} (or the
 * script's own `config`), run the script, and expect the normalised answers to equal those of a real HAProxy 2.6.12 byte for byte.
 */
export function describeRuntimeApiConformance(options: RuntimeApiConformanceOptions): void {
  describe(`Runtime API conformance: ${options.name}`, () => {
    const open = new Set<ConformanceTarget>();
    afterAll(async () => {
      for (const target of open) await target.close();
    });
    const scripts = CONFORMANCE_SCRIPTS.filter(
      (script) =>
        (options.filter ? options.filter(script) : true) && (options.master !== false || !script.master),
    );
    for (const script of scripts) {
      test(script.name, async () => {
        const target = await options.start(script.config ?? CONFORMANCE_CONFIG, {
          files: script.files ?? CONFORMANCE_FILES,
          master: script.master === true,
        });
        open.add(target);
        try {
          const answers = await runScript(target, script);
          if (options.record) {
            options.record[script.name] = answers;
            return;
          }
          const expected = CONFORMANCE_EXPECTED[script.name];
          expect(expected, `no recorded answers for '${script.name}'`).toBeDefined();
          script.steps.forEach((step, index) => {
            expect(answers[index], `step ${index + 1}: ${JSON.stringify(step.send)}`).toBe(expected![index]);
          });
        } finally {
          open.delete(target);
          await target.close();
        }
      });
    }
  });
}
