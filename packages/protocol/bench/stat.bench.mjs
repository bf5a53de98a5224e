// Benchmark of the `show stat` CSV parsers on a 2,000 backend × 10 server dump (22,000 lines, ~5 MB,
// the exact HAProxy 2.6.12 column set). Not a test: prints MB/s (median of several runs).
// Run from the repository root with `pnpm bench` (builds first), or `node packages/protocol/bench/stat.bench.mjs`
// after `pnpm --filter @haproxyadmin/protocol build`.
import { createStatParser, parseStat } from '../dist/index.js';

// Real 2.6.12 lines (transcripts/14-show-stat.txt; servers without checks, like the 2,000-backend
// capture of transcripts/60-large-config.txt); names, ids, addresses and a few counters are varied below.
const HEADER =
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,';
const FRONTEND =
  'fe_http,FRONTEND,,,0,2,2000,13,1149,1890,1,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,9,0,13,,,,0,12,0,1,0,0,,9,13,13,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,9,13,13,0,0,0,0,,,0,0,,,,,,,0,,,,,,,,,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,13,13,1110,1899,0,0,';
const SERVER =
  'be_app,s3,0,0,0,0,,0,0,0,,0,,0,0,0,0,no check,1,1,0,,,16,,,1,4,3,,0,,2,0,,0,,,,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,,,,,,,,,127.0.0.1:8083,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,0,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,';
const BACKEND =
  'be_app,BACKEND,0,0,0,1,200,6,540,858,0,0,,0,0,0,0,UP,52,3,1,,0,16,0,,1,4,0,,6,,1,4,,6,,,,0,6,0,0,0,0,,,,6,0,0,0,0,0,0,2,,,0,0,1,1,,,,,,,,,,,,,,http,roundrobin,,,,,,,0,6,0,0,0,,,0,0,1,1,0,,,,,52,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,6,6,1008,522,0,0,';

let seed = 42;
const random = (max) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % max;
};
// Counters at these columns get realistic magnitudes (stot, bin, bout, lbtot, hrsp_2xx, req_tot…).
const COUNTERS = [7, 8, 9, 30, 40, 48, 84];
function vary(line, pxname, svname, iid, sid, traffic) {
  const fields = line.split(',');
  fields[0] = pxname;
  fields[1] = svname;
  fields[27] = String(iid);
  fields[28] = String(sid);
  for (const index of COUNTERS) fields[index] = traffic ? String(random(1_000_000)) : '0';
  if (svname !== 'BACKEND') fields[73] = `10.${(iid >> 8) & 255}.${iid & 255}.${sid}:8080`;
  return fields.join(',');
}

/**
 * A `show stat` dump. With `traffic`, a few counters per row carry values (a busy fleet); without it
 * they are 0, like the idle 2,000-backend capture of transcripts/60-large-config.txt (5,031,466 bytes).
 */
export function generateDump(backends = 2000, servers = 10, traffic = true) {
  const lines = [HEADER, FRONTEND];
  for (let b = 0; b < backends; b++) {
    const pxname = `be_${String(b).padStart(5, '0')}`;
    for (let s = 1; s <= servers; s++) {
      lines.push(vary(SERVER, pxname, `srv${String(s).padStart(3, '0')}`, b + 3, s, traffic));
    }
    lines.push(vary(BACKEND, pxname, 'BACKEND', b + 3, 0, traffic));
  }
  return `${lines.join('\n')}\n\n`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Wall-clock MB/s is what a user sees; CPU-time MB/s (user + system time of the process) is less
// disturbed when other processes share the machine. Both are medians over `runs`.
function measure(label, bytes, runs, fn) {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const wall = [];
  const cpu = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    // Each run starts from a collected heap (when run with --expose-gc, as `pnpm bench` does), like a
    // single real parse, instead of paying for the previous runs' garbage.
    globalThis.gc?.();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    rows = fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpuStart);
    wall.push(bytes / 1e6 / seconds);
    cpu.push(bytes / 1e6 / ((used.user + used.system) / 1e6));
  }
  console.log(
    `${label.padEnd(34)} median ${median(wall).toFixed(1).padStart(6)} MB/s wall (max ${Math.max(...wall).toFixed(1)}), ${median(cpu).toFixed(1).padStart(6)} MB/s CPU time  [${runs} runs, ${rows} rows]`,
  );
  return median(wall);
}

const runs = Number(process.env.BENCH_RUNS ?? 15);
for (const traffic of [true, false]) {
  const csv = generateDump(2000, 10, traffic);
  const bytes = Buffer.byteLength(csv);
  console.log(
    `\nshow stat dump, 2,000 backends × 10 servers, ${traffic ? 'busy (counters up to 1e6)' : 'idle (counters 0)'}: ${(bytes / 1e6).toFixed(2)} MB, ${csv.split('\n').length - 2} lines`,
  );
  measure('parseStat (one shot)', bytes, runs, () => parseStat(csv).length);
  for (const size of [64 * 1024, 16 * 1024]) {
    measure(`createStatParser (${size / 1024} KiB chunks)`, bytes, runs, () => {
      const parser = createStatParser();
      let count = 0;
      for (let at = 0; at < csv.length; at += size) count += parser.push(csv.slice(at, at + size)).length;
      return count + parser.end().length;
    });
  }
}
