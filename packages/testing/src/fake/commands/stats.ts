import { type CommandContext, err, type Reply } from '../command.js';
import { ADMIN_CMAINT, findBackend, inMaint, type ServerState } from '../state.js';
import {
  renderInfo,
  renderStat,
  type StatFilter,
  type StatsContext,
  stateAddress,
  statObjects,
} from '../stats.js';
import { atoi } from './proxies.js';
import type { BuiltinCommand } from './types.js';

function statsContext(context: CommandContext): StatsContext {
  return {
    state: context.state,
    pid: context.process.pid,
    now: context.now,
    startTime: context.process.startTime,
    version: context.process.version,
    releaseDate: context.process.releaseDate,
    stopping: context.process.stopping,
    level: context.level,
  };
}

function showStat(context: CommandContext): Reply {
  const args = context.args;
  const filter: StatFilter = { iid: -1, type: -1, sid: -1, noMaint: false, up: false };
  let formatFrom = 2;
  if (args[2] && args[3] && args[4]) {
    const proxy = context.state.proxies.find((candidate) => candidate.name === args[2]);
    const iid = proxy ? proxy.iid : atoi(args[2]);
    if (!iid) return err('No such proxy.');
    filter.iid = iid;
    filter.type = atoi(args[3]);
    filter.sid = atoi(args[4]);
    formatFrom = 5;
  }
  let format: 'csv' | 'typed' | 'json' = 'csv';
  for (const word of args.slice(formatFrom)) {
    if (word === 'typed') format = 'typed';
    else if (word === 'json') format = 'json';
    else if (word === 'no-maint') filter.noMaint = true;
    else if (word === 'up') filter.up = true;
  }
  return { text: renderStat(statObjects(statsContext(context), filter), format) };
}

function checkNumbers(server: ServerState): [number, number, number, number] {
  // srv_check_status, srv_check_result, srv_check_health, srv_check_state
  const paused = server.admin & ADMIN_CMAINT ? 8 : 0;
  if (server.check.configured) {
    // CHK_ST_CONFIGURED 0x02, CHK_ST_ENABLED 0x04
    const flags = 0x02 | (server.check.enabled ? 0x04 : 0) | paused;
    const kept = server.check.result;
    const passed = kept === undefined ? server.running : kept === 'passed';
    const health =
      kept !== undefined ? server.check.health : passed ? server.check.rise + server.check.fall - 1 : 0;
    if (kept === 'ini') return [1, 0, health, flags];
    if (kept === undefined && !server.check.enabled) return [1, 0, server.check.health, flags];
    return passed ? [6, 3, health, flags] : [8, 2, health, flags];
  }
  return [1, 0, server.check.health, paused];
}

function showServersState(context: CommandContext): Reply {
  const name = context.args[3];
  let proxies = context.state.proxies.filter((proxy) => proxy.backend);
  if (name) {
    const proxy = findBackend(context.state, name);
    if (!proxy) return err("Can't find backend.");
    proxies = [proxy];
  }
  let out =
    '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n';
  for (const proxy of proxies) {
    for (const server of proxy.servers) {
      const op = server.running && !inMaint(server) ? (server.stopping ? 3 : 2) : 0;
      const [status, result, health, checkState] = checkNumbers(server);
      const since = Math.max(0, Math.floor((context.now - server.lastChange) / 1000));
      // CHK_ST_CONFIGURED 0x02 | CHK_ST_ENABLED 0x04 | CHK_ST_AGENT 0x10
      const agentState = server.agent.configured ? (server.agent.enabled ? 0x16 : 0x12) : 0;
      out += `${proxy.iid} ${proxy.name} ${server.id} ${server.name} ${stateAddress(server.address)} ${op} ${server.admin} ${server.weight} ${server.initialWeight} ${since} ${status} ${result} ${health} ${checkState} ${agentState} 0 ${server.forcedId ? 1 : 0} ${server.fqdn || '-'} ${server.port} - ${server.useSsl ? 1 : 0} ${server.check.port} ${server.check.addr || '-'} ${server.agent.addr || '-'} ${server.agent.port}\n`;
    }
  }
  return { text: `${out}\n` };
}

/** `show info`, `show stat`, `show servers state`, `show backend`. */
export const STATS_COMMANDS: BuiltinCommand[] = [
  {
    words: ['show', 'info'],
    level: 'user',
    handle(context) {
      const format = context.args.includes('json')
        ? 'json'
        : context.args.includes('typed')
          ? 'typed'
          : 'text';
      return { text: renderInfo(statsContext(context), format) };
    },
  },
  { words: ['show', 'stat'], level: 'user', handle: showStat },
  { words: ['show', 'servers', 'state'], level: 'user', handle: showServersState },
  {
    words: ['show', 'servers', 'conn'],
    level: 'user',
    handle(context) {
      const name = context.args[3];
      let proxies = context.state.proxies.filter((proxy) => proxy.backend);
      if (name) {
        const proxy = findBackend(context.state, name);
        if (!proxy) return err("Can't find backend.");
        proxies = [proxy];
      }
      const threads = Array.from({ length: context.state.global.nbthread }, (_, i) => `srv_idle_conns${i}`);
      let out = `# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[${context.state.global.nbthread}]\n`;
      void threads;
      for (const proxy of proxies) {
        for (const server of proxy.servers) {
          const zeros = Array.from({ length: context.state.global.nbthread }, () => '0').join(' ');
          // 2.6.12 (TCP): a health check that ran, or any session, shows used_max = need_est = 1, and
          // used_cur stays 0 even with sessions open (checked against real processes holding 2-3 each).
          const checked = server.check.configured && server.check.result !== 'ini' && server.running;
          const used = checked || server.counters.smax > 0 ? 1 : 0;
          out += `${proxy.name}/${server.name} ${proxy.iid}/${server.id} ${server.address} ${server.port} - 5000 0 ${used} ${used} 0 0 -1 0 ${zeros}\n`;
        }
      }
      return { text: `${out}\n` };
    },
  },
  {
    words: ['show', 'backend'],
    level: 'user',
    handle(context) {
      const names = context.state.proxies.filter((proxy) => proxy.backend).map((proxy) => proxy.name);
      return { text: `# name\n${names.map((name) => `${name}\n`).join('')}\n` };
    },
  },
];
