#!/usr/bin/env node
// Capture real HAProxy replies as test fixtures (packages/protocol/test/fixtures/real-2.6/).
//
//   node packages/protocol/scripts/capture.mjs [outDir]
//
// Starts a real `haproxy` (2.6.12 on Debian 12) twice: once standalone with awkward content (commas
// and quotes in descriptions and check reasons, an IPv6 server, a Unix-socket server, an agent check,
// request and response errors, stick tables, ACL/map files), once in master-worker mode for
// `show proc` (with an old worker kept alive across a reload). Tiny Node servers play the backends.
// Replies are saved byte for byte as HAProxy sent them (non-interactive mode: output + "\n\n").
// TCP ports 20080–20199 are used (this project's range). Paths of the temp folder are replaced with
// `/tmp/hap` so fixtures are stable; that is the only rewrite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, '..', 'test', 'fixtures', 'real-2.6');
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'hapcap-'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const servers = [];
const pids = [];

function listen(options, handler) {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      handler(socket);
    });
    server.on('error', reject);
    server.listen(options, () => resolve(server));
    servers.push(server);
  });
}

// An HTTP responder: answers every request on a connection with `response`.
const http = (response) => (socket) => {
  socket.on('data', (data) => {
    if (data.includes('\r\n\r\n')) socket.end(response);
  });
};

function send(socket, command, { timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    const chunks = [];
    const timer = setTimeout(() => {
      connection.destroy();
      reject(new Error(`timeout on ${command}`));
    }, timeout);
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk) => chunks.push(chunk));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    connection.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

function raw(port, payload) {
  return new Promise((resolve) => {
    const connection = createConnection(port, '127.0.0.1');
    const chunks = [];
    connection.on('connect', () => connection.write(payload));
    connection.on('data', (chunk) => chunks.push(chunk));
    connection.on('error', () => resolve(''));
    connection.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    setTimeout(() => connection.destroy(), 2000);
  });
}

const stable = (text) => text.replaceAll(dir, '/tmp/hap');

async function save(name, socket, command) {
  const reply = stable(await send(socket, command));
  writeFileSync(join(out, name), reply);
  console.log(`${name.padEnd(34)} ${String(reply.length).padStart(7)} bytes  <- ${command}`);
  return reply;
}

async function waitFor(socket) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await send(socket, 'show version', { timeout: 500 })).trim()) return;
    } catch {}
    await sleep(25);
  }
  throw new Error(`${socket} did not come up`);
}

const CONFIG = `global
    stats socket ${dir}/admin.sock mode 600 level admin
    stats socket ${dir}/user.sock mode 600 level user
    stats timeout 2m
    nbthread 2
    maxconn 500
    description "node, with \\"quotes\\""

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 1s

frontend fe_main
    description "front, with \\"quotes\\""
    bind 127.0.0.1:20080
    option socket-stats
    acl blocked path_beg -f ${dir}/blocked.acl
    acl trusted src -f ${dir}/ips.acl
    acl inline_acl path_beg /inline
    http-request deny if blocked !trusted inline_acl
    use_backend %[path,map_beg(${dir}/routes.map,be_odd)]
    default_backend be_odd

frontend fe_tcp
    mode tcp
    bind 127.0.0.1:20081
    default_backend be_tcp

backend be_odd
    description "a, \\"b\\""
    balance roundrobin
    option httpchk GET /health
    stick-table type ip size 1k expire 10m store conn_cur,http_req_cnt,http_req_rate(10s),gpc0
    http-request track-sc0 src
    server s503 127.0.0.1:20101 check inter 300ms
    server s6 [::1]:20102 check inter 300ms
    server su unix@${dir}/x.sock check inter 300ms
    server sagent 127.0.0.1:20105 check inter 300ms agent-check agent-port 20103 agent-inter 300ms
    server sdown 127.0.0.1:20109 check inter 300ms
    server sname localhost:20105
    server smaint 127.0.0.1:20105 disabled
    server strack 127.0.0.1:20105 track be_odd/s6
    server sw 127.0.0.1:20105 weight 50 maxconn 10 maxqueue 5

backend be_bad
    server garbage 127.0.0.1:20104

backend be_tcp
    mode tcp
    balance leastconn
    server t1 127.0.0.1:20105

backend st_users
    stick-table type string len 64 size 1k expire 10m store gpc0,http_req_cnt
`;

const MASTER_CONFIG = `global
    stats socket ${dir}/worker.sock mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s

frontend fe_m
    bind 127.0.0.1:20090
    default_backend be_m

backend be_m
    server m1 127.0.0.1:20105
`;

try {
  const ok = 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok';
  await listen(
    { port: 20101, host: '127.0.0.1' },
    http('HTTP/1.0 503 Service, "Unavailable"\r\nContent-Length: 0\r\n\r\n'),
  );
  await listen({ port: 20102, host: '::1' }, http(ok));
  await listen({ path: `${dir}/x.sock` }, http(ok));
  await listen({ port: 20105, host: '127.0.0.1' }, http(ok));
  await listen({ port: 20103, host: '127.0.0.1' }, (socket) => socket.end('up 75%, "agent, text"\n'));
  await listen({ port: 20104, host: '127.0.0.1' }, http('HTTP/1.1 abc GARBAGE\r\nX\r\n\r\n'));

  writeFileSync(join(dir, 'blocked.acl'), '/admin\n/private\n');
  writeFileSync(join(dir, 'ips.acl'), '10.0.0.0/8\n192.168.1.1\n');
  writeFileSync(join(dir, 'routes.map'), '/api be_odd\n/bad be_bad\n/tcp be_tcp\n');
  writeFileSync(join(dir, 'haproxy.cfg'), CONFIG);
  execFileSync('haproxy', ['-D', '-f', join(dir, 'haproxy.cfg'), '-p', join(dir, 'haproxy.pid')], {
    stdio: 'inherit',
  });
  pids.push(Number(readFileSync(join(dir, 'haproxy.pid'), 'utf8').trim()));
  const admin = join(dir, 'admin.sock');
  const user = join(dir, 'user.sock');
  await waitFor(admin);

  // Traffic: normal requests, a request error, a response error, denied requests.
  for (let i = 0; i < 12; i++) await raw(20080, 'GET / HTTP/1.0\r\n\r\n');
  await raw(20080, 'GET /bad HTTP/1.0\r\n\r\n');
  await raw(20080, 'GARBAGE\x01\x02 NOT, "HTTP"\r\n\r\n');
  await raw(20081, 'hello');
  // Let the checks settle (rise 2 × 300 ms) and the agent report.
  await sleep(1500);
  // Overflowed counter: a rejected `add acl` on an IP ACL, then `clear acl`, leaves entry_cnt at 2^64-1.
  const acls = await send(admin, 'show acl');
  const ipAcl = /^(\d+) \(\/tmp\/hap.*ips\.acl\)|^(\d+) \([^)]*ips\.acl\)/m.exec(stable(acls));
  const ipId = ipAcl ? (ipAcl[1] ?? ipAcl[2]) : '2';
  await send(admin, `add acl #${ipId} not-an-ip`);
  await send(admin, 'add acl #0 /has\\ space');
  const maps = stable(await send(admin, 'show map'));
  const mapId = /^(\d+) /m.exec(maps.split('\n').slice(1).join('\n'))?.[1] ?? '7';
  await send(admin, `add map #${mapId} /with\\ space a\\ value\\ with\\ spaces`);
  await send(admin, 'set table st_users key user42 data.gpc0 7');
  await send(admin, 'set table st_users key user\\ with\\ space data.http_req_cnt 3');

  await save('show-stat.csv', admin, 'show stat');
  await save('show-stat-user.csv', user, 'show stat');
  await save('show-stat-desc.csv', admin, 'show stat desc');
  await save('show-stat-typed.txt', admin, 'show stat typed');
  await save('show-stat-typed-desc.txt', admin, 'show stat typed desc');
  await save('show-stat-json.txt', admin, 'show stat json');
  await save('show-stat-up.csv', admin, 'show stat up');
  await save('show-stat-servers.csv', admin, 'show stat be_odd 4 -1');
  await save('show-info.txt', admin, 'show info');
  await save('show-info-typed.txt', admin, 'show info typed');
  await save('show-info-json.txt', admin, 'show info json');
  await save('show-info-desc.txt', admin, 'show info desc');
  await save('show-info-float.txt', admin, 'show info typed float');
  await save('show-servers-state.txt', admin, 'show servers state');
  await save('show-servers-conn.txt', admin, 'show servers conn');
  await save('show-backend.txt', admin, 'show backend');
  await save('show-acl.txt', admin, 'show acl');
  await save('show-acl-0.txt', admin, 'show acl #0');
  await save('show-acl-ips.txt', admin, `show acl #${ipId}`);
  await save('show-map.txt', admin, 'show map');
  await save('show-map-entries.txt', admin, `show map #${mapId}`);
  await save('get-acl-match.txt', admin, 'get acl #0 /private/x');
  await save('get-acl-nomatch.txt', admin, 'get acl #0 /public');
  await save('get-acl-ip.txt', admin, `get acl #${ipId} 10.1.2.3`);
  await save('get-map-found.txt', admin, `get map #${mapId} /api/users`);
  await save('get-map-space.txt', admin, `get map #${mapId} /with\\ space/x`);
  await save('get-map-notfound.txt', admin, `get map #${mapId} /nothing`);
  await save('show-table.txt', admin, 'show table');
  await save('show-table-be_odd.txt', admin, 'show table be_odd');
  await save('show-table-st_users.txt', admin, 'show table st_users');
  await save('show-table-user-level.txt', user, 'show table be_odd');
  await save('show-errors.txt', admin, 'show errors');
  await save('show-errors-none.txt', admin, 'show errors fe_tcp');
  await save('get-weight.txt', admin, 'get weight be_odd/sw');
  await save('error-no-such-proxy.txt', admin, 'show stat nosuch 4 -1');
  await save('error-permission.txt', user, 'show errors');
  // The entry counter of the IP ACL went one below the real count with the rejected `add acl`;
  // `clear acl` takes it to -1, printed as the u64 18446744073709551615.
  await send(admin, `clear acl #${ipId}`);
  await save('show-acl-overflow.txt', admin, 'show acl');

  // Master-worker: show proc, then a reload while a connection keeps the old worker alive.
  writeFileSync(join(dir, 'master.cfg'), MASTER_CONFIG);
  const master = join(dir, 'master.sock');
  execFileSync(
    'haproxy',
    ['-W', '-D', '-S', `${master},mode,600`, '-f', join(dir, 'master.cfg'), '-p', join(dir, 'master.pid')],
    {
      stdio: 'inherit',
    },
  );
  pids.push(Number(readFileSync(join(dir, 'master.pid'), 'utf8').trim()));
  await waitFor(master);
  await waitFor(join(dir, 'worker.sock'));
  await save('show-proc.txt', master, 'show proc');
  const hold = createConnection(join(dir, 'worker.sock'));
  hold.on('error', () => {});
  hold.write('prompt\n');
  await sleep(200);
  await send(master, 'reload').catch(() => '');
  await sleep(1500);
  await save('show-proc-reloaded.txt', master, 'show proc');
  hold.destroy();
} finally {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  for (const server of servers) server.close();
  await sleep(100);
  rmSync(dir, { recursive: true, force: true });
}
