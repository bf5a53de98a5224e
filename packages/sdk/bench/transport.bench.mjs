// Benchmark of the transport layer on the lab fleet (4 real HAProxy processes × 200 backends × 10
// servers; /work/shared/lab). Not a test. It measures, in the same run, the raw floor (floor.py:
// raw sockets, no library) and the SDK executor doing the same work, and prints medians and ratios:
//   bulk_weight: 8,000 `set weight` (2,000 servers × 4 processes), pipelined   — target ≤ 3× floor
//   show_stat:   one `show stat` from each of the 4 processes                    — target ≤ 1.5× floor
// Run with `pnpm bench` (builds first) or, after `pnpm --filter @haproxyadmin/sdk... build`:
//   node packages/sdk/bench/transport.bench.mjs [runs=7]
// Uses ports 21000.. for the fleet's frontends (PORT0=21000), and stops the fleet at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecutor } from '../dist/index.js';

const LAB = process.env.HAPROXYADMIN_LAB ?? '/work/shared/lab';
const RUNS = Number(process.argv[2] ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'hapx-bench-transport-'));
const sockets = join(dir, 'sock');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value) => Math.round(value * 10) / 10;

function floor() {
  return JSON.parse(execFileSync('python3', [join(LAB, 'floor.py'), sockets], { encoding: 'utf8' }));
}

async function time(task) {
  const start = performance.now();
  const result = await task();
  return { ms: performance.now() - start, result };
}

function serverNames(csv) {
  const names = [];
  for (const line of csv.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const [pxname, svname] = line.split(',', 2);
    if (svname !== 'FRONTEND' && svname !== 'BACKEND') names.push(`${pxname}/${svname}`);
  }
  return names;
}

function check(outcomes, what) {
  const failed = outcomes.flat().filter((outcome) => !outcome.ok);
  if (failed.length > 0) throw new Error(`${what}: ${failed.length} failed: ${failed[0].error.message}`);
}

async function main() {
  execFileSync('bash', [join(LAB, 'fleet.sh'), 'start', dir, '4', '200', '10', '50', '21000'], {
    stdio: 'inherit',
  });
  const samples = { floorStat: [], floorWeight: [], discover: [], stat: [], weight: [], weightCold: [] };
  try {
    // Warm-up, and the server list (2,000 names).
    const warm = await createExecutor({ socketDir: sockets, timeout: 30_000 });
    const [first] = await warm.run('show stat', { idempotent: true });
    const names = serverNames(first.value);
    if (names.length !== 2000) throw new Error(`expected 2000 servers, got ${names.length}`);
    await warm.close();
    floor();

    for (let run = 0; run < RUNS; run++) {
      const raw = floor();
      samples.floorStat.push(raw.show_stat.ms);
      samples.floorWeight.push(raw.bulk_weight.ms);

      // Cold: discovery (connect + probe the 4 sockets) and the 8,000 writes, like floor.py's fresh connections.
      const cold = await time(async () => {
        const begin = performance.now();
        const executor = await createExecutor({ socketDir: sockets, timeout: 30_000 });
        samples.discover.push(performance.now() - begin);
        const outcomes = await Promise.all(names.map((name) => executor.run(`set weight ${name} 7`)));
        return { executor, outcomes };
      });
      const { executor, outcomes } = cold.result;
      check(outcomes, 'set weight');
      if (outcomes.flat().length !== 8000) throw new Error('expected 8000 outcomes');
      samples.weightCold.push(cold.ms);

      // Warm: the persistent connections exist (the SDK's steady state).
      const weight = await time(() => Promise.all(names.map((name) => executor.run(`set weight ${name} 8`))));
      check(weight.result, 'set weight');
      samples.weight.push(weight.ms);

      const stat = await time(() => executor.run('show stat', { idempotent: true }));
      check(stat.result, 'show stat');
      const bytes = raw.show_stat.bytes_per_process;
      if (stat.result.length !== 4 || stat.result.some((outcome) => outcome.value.length < bytes * 0.9)) {
        throw new Error(`show stat: expected 4 complete dumps of ~${bytes} bytes`);
      }
      samples.stat.push(stat.ms);
      await executor.close();
    }
  } finally {
    execFileSync('bash', [join(LAB, 'fleet.sh'), 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  }

  const result = {
    runs: RUNS,
    bulk_weight: {
      commands: 8000,
      floor_ms: round(median(samples.floorWeight)),
      sdk_warm_ms: round(median(samples.weight)),
      sdk_cold_ms: round(median(samples.weightCold)),
      ratio_warm: round(median(samples.weight) / median(samples.floorWeight)),
      ratio_cold: round(median(samples.weightCold) / median(samples.floorWeight)),
      target: '≤ 3×',
    },
    discover: { processes: 4, sdk_ms: round(median(samples.discover)) },
    show_stat: {
      processes: 4,
      floor_ms: round(median(samples.floorStat)),
      sdk_ms: round(median(samples.stat)),
      ratio: round(median(samples.stat) / median(samples.floorStat)),
      target: '≤ 1.5×',
    },
    samples: Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, values.map(round)])),
  };
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
