#!/usr/bin/env node
// Extract command replies from the reference transcripts (captured from HAProxy 2.6.12) into test
// fixtures: the text between a `$ echo '<command>' | socat …` line and the `--- [socat rc=…]` trailer,
// byte for byte (the transcripts already replaced the lab folder with `$LAB`).
//
//   node packages/protocol/scripts/extract-transcripts.mjs /work/shared/reference/transcripts
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2] ?? '/work/shared/reference/transcripts';
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'transcripts-2.6');
mkdirSync(out, { recursive: true });

// [fixture name, transcript file, command, occurrence (1-based)]
const WANTED = [
  ['show-stat.csv', '14-show-stat.txt', 'show stat', 1],
  ['show-stat-up.csv', '34-extras.txt', 'show stat up', 1],
  ['show-stat-typed.txt', '15-show-stat-typed.txt', 'show stat typed', 1],
  ['show-stat-json.txt', '16-show-stat-json.txt', 'show stat json', 1],
  ['show-info.txt', '11-show-info.txt', 'show info', 1],
  ['show-info-typed.txt', '12-show-info-typed.txt', 'show info typed', 1],
  ['show-info-json.txt', '13-show-info-json.txt', 'show info json', 1],
  ['show-info-desc.txt', '34-extras.txt', 'show info desc', 1],
  ['show-servers-state.txt', '19-show-servers-state.txt', 'show servers state', 1],
  ['show-servers-conn.txt', '29-dynamic-servers.txt', 'show servers conn be_dyn', 1],
  ['show-acl.txt', '21-acl.txt', 'show acl', 1],
  ['show-acl-0.txt', '21-acl.txt', 'show acl #0', 1],
  ['get-acl-match.txt', '21-acl.txt', 'get acl #0 /foo/baz', 1],
  ['get-acl-nomatch.txt', '21-acl.txt', 'get acl #0 /nomatch', 1],
  ['show-acl-overflow.txt', '22-map.txt', 'show acl', 1],
  ['show-map.txt', '22-map.txt', 'show map', 1],
  ['show-map-entries.txt', '22-map.txt', 'show map #6', 2],
  ['get-map-found.txt', '22-map.txt', 'get map #6 /v2/users', 1],
  ['get-map-value-none.txt', '22-map.txt', 'get map #0 /v2/users', 1],
  ['get-map-notfound.txt', '22-map.txt', 'get map #6 /zzz', 1],
  ['show-table.txt', '26-errors-sess-table.txt', 'show table', 1],
  ['show-table-be_api.txt', '26-errors-sess-table.txt', 'show table be_api', 1],
  ['show-errors.txt', '26-errors-sess-table.txt', 'show errors', 1],
  ['get-weight.txt', '24-server.txt', 'get weight be_app/s2', 1],
  ['show-proc.txt', '40-master-worker.txt', 'show proc', 1],
];

for (const [name, file, command, occurrence] of WANTED) {
  const text = readFileSync(join(source, file), 'utf8');
  const marker = `$ echo '${command}' | socat`;
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(marker, at + 1);
    if (at === -1) throw new Error(`${file}: occurrence ${i + 1} of ${command} not found`);
  }
  const start = text.indexOf('\n', at) + 1;
  const end = text.indexOf('--- [socat', start);
  const reply = text.slice(start, end);
  writeFileSync(join(out, name), reply);
  console.log(`${name.padEnd(28)} ${String(reply.length).padStart(7)} bytes`);
}
// The reload transcript uses `echo "show proc"` (double quotes) and no socat trailer.
const reload = readFileSync(join(source, '41-reload.txt'), 'utf8');
const failed = reload.indexOf('2 [failed: 1]');
const procStart = reload.lastIndexOf('#<PID>', failed);
const procEnd = reload.indexOf('# programs\n', failed) + '# programs\n'.length;
writeFileSync(join(out, 'show-proc-failed-reload.txt'), `${reload.slice(procStart, procEnd)}\n`);
