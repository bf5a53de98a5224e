// Object-model benchmarks on the lab fleet (not a test). Runs against the built dist.
//
//   bash /work/shared/lab/fleet.sh start /tmp/fleet 4 200 10 50 23000
//   pnpm --filter @haproxyadmin/sdk... build
//   node --expose-gc packages/sdk/bench/model.bench.mjs /tmp/fleet/sock [rounds]
//
// Without a socket folder (as `pnpm bench` runs it), a fleet is started with the lab's fleet.sh in a
// temp folder (ports 23000+) and stopped at the end; without the lab or haproxy it is skipped.
// The floor is the lab's floor.py (`show_stat`), and a raw `show stat` from node paired with each sample.
//
// Tasks: snapshot() of every object (target <= 2x the raw `show stat` floor), the seed-style
// inventory (name, status, weight, scur of every server through Promise.all, target <= 4x), and
// memory across 1,000 repeated snapshots (heapUsed before/after, with gc).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAProxy } from '../dist/index.js';

const lab = process.env.HAPROXYADMIN_LAB ?? '/work/shared/lab';
const floorScript = join(lab, 'floor.py');
const rounds = Number(process.argv[3] ?? 15);
let fleet;
let socketDir = process.argv[2];
if (!socketDir) {
  if (!existsSync(join(lab, 'fleet.sh'))) {
    console.log(`skipped: no socket folder given and no lab fleet at ${lab} (set HAPROXYADMIN_LAB)`);
    process.exit(0);
  }
  fleet = mkdtempSync(join(tmpdir(), 'model-bench-'));
  try {
    execFileSync('bash', [join(lab, 'fleet.sh'), 'start', fleet, '4', '200', '10', '50', '23000'], {
      stdio: 'inherit',
    });
  } catch {
    console.log('skipped: the lab fleet did not start (is haproxy installed?)');
    process.exit(0);
  }
  socketDir = join(fleet, 'sock');
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The same floor as floor.py, in this process: one raw `show stat` per socket, all at once, no parsing. */
const sockets = readdirSync(socketDir)
  .filter((name) => name.endsWith('.sock'))
  .map((name) => join(socketDir, name));
function rawDump(path) {
  return new Promise((resolve, reject) => {
    const connection = createConnection(path, () => connection.end('show stat\n'));
    let bytes = 0;
    connection.on('data', (chunk) => {
      bytes += chunk.length;
    });
    connection.on('error', reject);
    connection.on('close', () => resolve(bytes));
  });
}
const rawFloor = () => Promise.all(sockets.map(rawDump));

/** Each sample of `fn` is paired with a raw-floor sample taken just before it (same load). */
async function paired(name, fn) {
  await fn();
  await rawFloor();
  const samples = [];
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const floorSample = await time(rawFloor);
    const sample = await time(fn);
    samples.push(sample);
    ratios.push(sample / floorSample);
  }
  return {
    name,
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    ratio: median(ratios),
  };
}

function floor() {
  // floor.py also sets every weight to 7 (its bulk_weight task); we only use its show_stat time.
  if (!existsSync(floorScript)) return Number.NaN;
  const samples = [];
  const bulk = [];
  for (let i = 0; i < 5; i++) {
    const out = JSON.parse(execFileSync('python3', [floorScript, socketDir], { encoding: 'utf8' }));
    samples.push(out.show_stat.ms);
    bulk.push(out.bulk_weight.ms);
  }
  bulkFloorMs = median(bulk);
  return median(samples);
}
let bulkFloorMs = Number.NaN;

const hap = await HAProxy.connect({ socketDir, timeout: 10_000 });
const servers = await hap.servers();
console.log(`fleet: ${(await hap.processIds()).length} processes, ${servers.length} servers`);

const floorMs = floor();
const nodeFloor = await paired('raw show stat in node (no parsing)', rawFloor);

const snapshot = await paired('snapshot()', async () => {
  const result = await hap.snapshot();
  if (result.servers.length !== servers.length) throw new Error('incomplete snapshot');
});

const snapshotRead = await paired('snapshot() + status/weight/scur of every server', async () => {
  const result = await hap.snapshot();
  let total = 0;
  for (const entry of result.servers) {
    entry.value('status');
    entry.value('uweight');
    total += entry.value('scur') ?? 0;
  }
  return total;
});

const inventory = await paired('inventory (Promise.all of name/status/weight/scur per server)', async () => {
  const rows = await Promise.all(
    servers.map(async (server) => {
      const [status, weight, scur] = await Promise.all([
        server.status(),
        server.weight(),
        server.metric('scur'),
      ]);
      return { name: server.name, status, weight, scur };
    }),
  );
  if (rows.length !== servers.length) throw new Error('incomplete inventory');
});

// Writes issued together pipeline over the executor: every server's weight on every process.
let weight = 7;
const bulkWeight = await paired('bulk weight (Promise.all of setWeight on every server)', async () => {
  weight = weight === 7 ? 8 : 7;
  await Promise.all(servers.map((server) => server.setWeight(weight)));
});

const discoverInventory = await paired('discover + inventory (hap.servers() then Promise.all)', async () => {
  const list = await hap.servers();
  await Promise.all(
    list.map((server) => Promise.all([server.status(), server.weight(), server.metric('scur')])),
  );
});

// Memory: heapUsed after 10 snapshots and after 1,000 more, keeping only the last one each time
// (one snapshot is live at both points), with gc before each measure.
let last;
for (let i = 0; i < 10; i++) last = await hap.snapshot();
globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 1000; i++) last = await hap.snapshot();
globalThis.gc?.();
const after = process.memoryUsage().heapUsed;
if (last.servers.length !== servers.length) throw new Error('incomplete snapshot');

await hap.close();
if (fleet) {
  execFileSync('bash', [join(lab, 'fleet.sh'), 'stop', fleet]);
  rmSync(fleet, { recursive: true, force: true });
}

const ratio = (ms) => (ms / floorMs).toFixed(2);
console.log(`raw floor (floor.py show_stat, median of 5): ${floorMs.toFixed(1)} ms`);
console.log(`raw floor in node, interleaved: median ${nodeFloor.median.toFixed(1)} ms`);
console.log(
  `bulk weight: median ${bulkWeight.median.toFixed(1)} ms for ${servers.length * 4} writes; floor.py bulk_weight ${bulkFloorMs.toFixed(1)} ms (${(bulkWeight.median / bulkFloorMs).toFixed(2)}x)`,
);
for (const result of [snapshot, snapshotRead, inventory, discoverInventory]) {
  console.log(
    `${result.name}: median ${result.median.toFixed(1)} ms (min ${result.min.toFixed(1)}, max ${result.max.toFixed(1)}) = ${ratio(result.median)}x floor.py; ${result.ratio.toFixed(2)}x the interleaved raw floor (median of per-round ratios)`,
  );
}
console.log(
  `memory: heapUsed ${(before / 1e6).toFixed(1)} MB after 10 snapshots, ${(after / 1e6).toFixed(1)} MB after 1,000 more (${globalThis.gc ? 'with' : 'WITHOUT'} gc; run node --expose-gc)`,
);
