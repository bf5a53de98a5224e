import { type CommandContext, err, errSingle, info, OK, type Reply } from '../command.js';
import { newServer } from '../config-parser.js';
import { trackedName } from '../stats.js';
import {
  ADMIN_FDRAIN,
  ADMIN_FMAINT,
  findBackend,
  findServer,
  inMaint,
  type ProxyState,
  type ServerState,
} from '../state.js';
import { closeHeldSessions } from '../traffic.js';
import type { BuiltinCommand } from './types.js';

type Found = { proxy: ProxyState; server: ServerState } | Reply;

function locate(context: CommandContext, target: string | undefined, singleNoServer = false): Found {
  const slash = target?.indexOf('/') ?? -1;
  if (!target || slash < 0) return err("Require 'backend/server'.");
  const proxy = findBackend(context.state, target.slice(0, slash));
  if (!proxy) return err('No such backend.');
  const server = findServer(proxy, target.slice(slash + 1));
  if (!server) return singleNoServer ? errSingle('No such server.') : err('No such server.');
  return { proxy, server };
}

function isReply(found: Found): found is Reply {
  return 'text' in found;
}

/**
 * An admin command whose last word is `<backend>/<server>`: answers HAProxy's lookup errors, else
 * runs `act` on the server found.
 */
function onServer(
  words: string[],
  act: (found: { proxy: ProxyState; server: ServerState }, context: CommandContext) => Reply,
): BuiltinCommand {
  return {
    words,
    level: 'admin',
    handle(context) {
      const found = locate(context, context.args[words.length]);
      return isReply(found) ? found : act(found, context);
    },
  };
}

function touch(context: CommandContext, server: ServerState): void {
  server.lastChange = context.now;
}

/** Parse a weight like `set weight` does; returns a reply on error. */
function applyWeight(
  server: ServerState,
  text: string | undefined,
  singleGarbage: boolean,
): Reply | undefined {
  if (!text) return err('Require <weight> or <weight%>.');
  const match = /^(-?\d+)(%?)$/.exec(text);
  if (!match) {
    return singleGarbage
      ? errSingle('Empty weight string empty or preceded by garbage')
      : errSingle('Empty weight string empty or preceded by garbage');
  }
  let weight = Number(match[1]);
  if (match[2] === '%') {
    if (weight < 0) return err('Relative weight must be positive.');
    weight = Math.floor((server.initialWeight * weight) / 100);
    if (weight > 256) weight = 256;
  } else if (weight < 0 || weight > 256)
    return err('Absolute weight can only be between 0 and 256 inclusive.');
  server.weight = weight;
  return undefined;
}

const SET_SERVER_USAGE =
  'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight';

function setServer(context: CommandContext): Reply {
  const found = locate(context, context.args[2]);
  if (isReply(found)) return found;
  const { server } = found;
  const [, , , what, value, ...rest] = context.args;
  switch (what) {
    case 'weight':
      return applyWeight(server, value, true) ?? OK;
    case 'state':
      if (value === 'ready') {
        server.admin &= ~(ADMIN_FMAINT | ADMIN_FDRAIN);
        if (!server.check.enabled) server.running = true;
        else server.running = true;
      } else if (value === 'drain') {
        server.admin = (server.admin & ~ADMIN_FMAINT) | ADMIN_FDRAIN;
      } else if (value === 'maint') {
        server.admin = (server.admin & ~ADMIN_FDRAIN) | ADMIN_FMAINT;
        server.check.health = 0;
      } else return err("'set server <srv> state' expects 'ready', 'drain' and 'maint'.");
      touch(context, server);
      return OK;
    case 'health':
      if (value !== 'up' && value !== 'stopping' && value !== 'down')
        return err("'set server <srv> health' expects 'up', 'stopping', or 'down'.");
      // The last check result stays as it was; only the health counter and the state move.
      keepCheckResult(server);
      server.running = value !== 'down';
      server.stopping = value === 'stopping';
      server.check.health = value === 'down' ? 0 : server.check.rise + server.check.fall - 1;
      touch(context, server);
      return OK;
    case 'agent':
      if (!server.agent.enabled) return err('agent checks are not enabled on this server.');
      if (value === 'up') server.running = true;
      else if (value === 'down') server.running = false;
      else return err("'set server <srv> agent' expects 'up' or 'down'.");
      touch(context, server);
      return OK;
    case 'agent-addr':
      return setProbeAddr(server.agent, 'agent', value, rest);
    case 'agent-port':
      return setProbePort(server.agent, 'agent', value);
    case 'agent-send':
      if (!server.agent.configured) return err('agent checks are not enabled on this server.');
      server.agent.send = value ?? '';
      return OK;
    case 'check-addr':
      return setProbeAddr(server.check, 'health', value, rest);
    case 'check-port':
      return setProbePort(server.check, 'health', value);
    case 'fqdn': {
      if (!value) return err('set server <b>/<s> fqdn requires a FQDN.');
      // Without `resolvers` on the server line HAProxy refuses; the name is not resolved by the fake.
      if (!server.resolvers)
        return err('set server <b>/<s> fqdn failed because no resolution is configured.');
      if (!/^[A-Za-z0-9.-]+$/.test(value)) return err(`invalid fqdn '${value}' by 'stats socket command'`);
      if (value === server.fqdn) return info("no need to change the FDQN by 'stats socket command'");
      const previous = server.fqdn || '(null)';
      server.fqdn = value;
      return info(
        `${context.args[2]} changed its FQDN from ${previous} to ${value} by 'stats socket command'`,
      );
    }
    case 'addr': {
      if (!value || !isIp(value)) return err(`Invalid addr '${value ?? ''}' by 'stats socket command'`);
      let port = server.port;
      if (rest[0] === 'port') {
        port = Number(rest[1]);
        if (!rest[1] || !/^\d+$/.test(rest[1]) || port > 65535)
          return err("Invalid port by 'stats socket command'");
      }
      const parts: string[] = [];
      if (value !== server.address) parts.push(`IP changed from '${server.address}' to '${value}'`);
      else parts.push('no need to change the addr');
      if (port !== server.port) parts.push(`port changed from '${server.port}' to '${port}'`);
      else if (rest[0] === 'port') parts.push('no need to change the port');
      server.address = value;
      server.port = port;
      return info(`${parts.join(', ')} by 'stats socket command'`);
    }
    case 'ssl':
      if (server.dynamic) return err("'set server <srv> ssl' not supported on dynamic servers");
      if (!server.sslConfigured)
        return err("'set server <srv> ssl' cannot be set.  default-server should define ssl settings");
      if (value !== 'on' && value !== 'off') return err("'set server <srv> ssl' expects 'on' or 'off'.");
      server.useSsl = value === 'on';
      return info('server ssl setting updated.');
    case 'maxconn': {
      if (!value || !/^\d+$/.test(value)) return errSingle('maxconn string empty or preceded by garbage');
      server.maxconn = Number(value);
      return OK;
    }
    default:
      return err(SET_SERVER_USAGE);
  }
}

/** A port value of agent-port / check-port (or `port <p>` of agent-addr / check-addr), or the reply refusing it. */
function portValue(text: string | undefined): number | Reply {
  if (!text || !/^\d+$/.test(text)) return errSingle('provided port is not an integer');
  if (Number(text) > 65535) return errSingle('provided port is invalid');
  return Number(text);
}

/** The address and port of a server's agent or health check, as `set server` changes them. */
type Probe = { configured: boolean; addr: string; port: number };

/** `set server … agent-addr|check-addr <ip> [port <p>]`. */
function setProbeAddr(
  probe: Probe,
  kind: 'agent' | 'health',
  value: string | undefined,
  rest: string[],
): Reply {
  if (!probe.configured) return errSingle(`${kind} checks are not enabled on this server`);
  if (!value || !isIp(value)) return err('invalid addr');
  if (rest[0] === 'port') {
    const port = portValue(rest[1]);
    if (typeof port !== 'number') return port;
    probe.port = port;
  }
  probe.addr = value;
  return OK;
}

/** `set server … agent-port|check-port <p>`. */
function setProbePort(probe: Probe, kind: 'agent' | 'health', value: string | undefined): Reply {
  if (!probe.configured) return errSingle(`${kind} checks are not enabled on this server`);
  const port = portValue(value);
  if (typeof port !== 'number') return port;
  probe.port = port;
  return OK;
}

/** Freeze the check result and health counter derived so far (HAProxy keeps them when checks stop). */
function keepCheckResult(server: ServerState): void {
  if (!server.check.configured || server.check.result !== undefined) return;
  const passed = server.running && !inMaint(server);
  server.check.result = passed ? 'passed' : 'failed';
  server.check.health = passed ? server.check.rise + server.check.fall - 1 : 0;
}

function isIp(text: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(text) || (/^[0-9a-fA-F:]+$/.test(text) && text.includes(':'));
}

/** `add server` keywords that take no value. */
const ADD_SERVER_FLAGS = ['check', 'backup', 'disabled', 'agent-check', 'send-proxy', 'send-proxy-v2', 'ssl'];
/** `add server` keywords followed by a value. */
const ADD_SERVER_WITH_VALUE = new Set([
  'weight',
  'maxconn',
  'inter',
  'fastinter',
  'downinter',
  'rise',
  'fall',
  'port',
  'addr',
  'agent-port',
  'agent-addr',
  'agent-send',
  'agent-inter',
  'maxqueue',
  'minconn',
  'slowstart',
  'cookie',
  'id',
  'track',
  'verify',
  'sni',
  'alpn',
  'proto',
  'observe',
  'error-limit',
  'on-error',
  'pool-max-conn',
]);
/** Every keyword the fake's `add server` accepts. */
const ADD_SERVER_KEYWORDS = new Set([...ADD_SERVER_FLAGS, ...ADD_SERVER_WITH_VALUE]);

/** Whether the backend's algorithm accepts servers at run time (not static-rr nor map-based hashing). */
function dynamicBalance(proxy: ProxyState): boolean {
  const algorithm = proxy.balance.replace(/\(.*$/, '');
  if (algorithm === 'static-rr') return false;
  const hashed = ['source', 'uri', 'url_param', 'hdr', 'rdp-cookie'].includes(algorithm);
  return !hashed || proxy.hashType === 'consistent';
}

/** What HAProxy 2.6 refuses in `add server` keywords once they parse (texts from 2.6.12). */
function refuseDynamicKeywords(proxy: ProxyState, name: string, words: string[]): Reply | undefined {
  const value = (keyword: string) => {
    const at = words.indexOf(keyword);
    return at < 0 ? undefined : (words[at + 1] ?? '');
  };
  if (words.includes('cookie')) return err("'cookie' option is not accepted for dynamic server");
  const id = value('id');
  if (id !== undefined) {
    const number = Number(id);
    if (!/^\d+$/.test(id) || number <= 0) return err("'id' : custom id has to be > 0.");
    const owner = proxy.servers.find((server) => server.id === number);
    // HAProxy names the configuration line of the owner; the fake has no file, so it says `config`.
    if (owner) return err(`'id' : custom id ${number} already used at config:0 ('server ${owner.name}').`);
  }
  const weight = value('weight');
  if (weight !== undefined && !(Number(weight) >= 0 && Number(weight) <= 256))
    return err(`weight of server ${name} is not within 0 and 256 (${weight})..`);
  if (words.includes('agent-check') && value('agent-port') === undefined)
    return err(`server ${name} does not have agent port. Agent check has been disabled.`);
  return undefined;
}

function addServer(context: CommandContext): Reply {
  const target = context.args[2] ?? '';
  const slash = target.indexOf('/');
  if (slash < 0) return err("'server' expects <name> and <addr>[:<port>] as arguments.");
  const proxy = findBackend(context.state, target.slice(0, slash));
  if (!proxy) return errSingle('No such backend.');
  const name = target.slice(slash + 1);
  const address = context.args[3];
  if (!name || !address) return err("'server' expects <name> and <addr>[:<port>] as arguments.");
  if (!dynamicBalance(proxy))
    return errSingle('Backend must use a dynamic load balancing to support dynamic servers.');
  const words = context.args.slice(4);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!ADD_SERVER_KEYWORDS.has(word)) return err(`unknown keyword '${word}'.`);
    if (ADD_SERVER_WITH_VALUE.has(word)) i++;
  }
  if (findServer(proxy, name)) return err('Already exists a server with the same name in backend.');
  const refused = refuseDynamicKeywords(proxy, name, words);
  if (refused) return refused;
  // HAProxy gives a dynamic server the first unused id.
  let id = 1;
  while (proxy.servers.some((server) => server.id === id)) id++;
  const fixed = words.indexOf('id');
  if (fixed >= 0) id = Number(words[fixed + 1]);
  const server = newServer(id, name, address, words, context.now, true);
  if (fixed >= 0) server.forcedId = true;
  // A dynamic server starts in maintenance, its checks configured but not running.
  server.admin = ADMIN_FMAINT;
  server.running = false;
  server.check.enabled = false;
  server.agent.enabled = false;
  proxy.servers.push(server);
  return info('New server registered.');
}

function trackedServer(
  context: CommandContext,
  proxy: ProxyState,
  server: ServerState,
): ServerState | undefined {
  if (!server.track) return undefined;
  const [backend, name] = trackedName(proxy, server.track).split('/');
  const owner = findBackend(context.state, backend ?? '');
  return owner ? findServer(owner, name ?? '') : undefined;
}

function delServer(context: CommandContext): Reply {
  const target = context.args[2] ?? '';
  const slash = target.indexOf('/');
  if (slash < 0) return errSingle("Require 'backend/server'.");
  const proxy = findBackend(context.state, target.slice(0, slash));
  if (!proxy) return errSingle('No such backend.');
  const server = findServer(proxy, target.slice(slash + 1));
  if (!server) return errSingle('No such server.');
  const key = `${proxy.name}/${server.name}`;
  const tracked = context.state.proxies.some((other) =>
    other.servers.some((candidate) => candidate.track && trackedName(other, candidate.track) === key),
  );
  // 2.6.12 keeps a deleted tracker in the tracked server's list: it stays undeletable.
  if (tracked || server.pinned)
    return errSingle(
      'This server cannot be removed at runtime due to other configuration elements pointing to it.',
    );
  // A tracking server inherits its tracked server's maintenance (2.6 deletes it then).
  if (!inMaint(server) && !inMaint(trackedServer(context, proxy, server) ?? server))
    return errSingle('Only servers in maintenance mode can be deleted.');
  if (server.counters.scur > 0)
    return errSingle('Server still has connections attached to it, cannot remove it.');
  const trackedOne = trackedServer(context, proxy, server);
  if (trackedOne) trackedOne.pinned = true;
  proxy.servers.splice(proxy.servers.indexOf(server), 1);
  return { text: 'Server deleted.\n', severity: 'info' };
}

/** Server commands: weights, `set server`, enable/disable, add/del, sessions. */
export const SERVER_COMMANDS: BuiltinCommand[] = [
  {
    words: ['get', 'weight'],
    level: 'user',
    handle(context) {
      const found = locate(context, context.args[2]);
      if (isReply(found)) return found;
      return { text: `${found.server.weight} (initial ${found.server.initialWeight})\n\n` };
    },
  },
  onServer(['set', 'weight'], (found, context) => {
    return applyWeight(found.server, context.args[3], true) ?? OK;
  }),
  { words: ['set', 'server'], level: 'admin', handle: setServer },
  onServer(['set', 'maxconn', 'server'], (found, context) => {
    const value = context.args[4];
    if (!value) return err('Require <maxconn>.');
    if (!/^\d+$/.test(value)) return errSingle('maxconn string empty or preceded by garbage');
    found.server.maxconn = Number(value);
    return OK;
  }),
  onServer(['enable', 'server'], (found, context) => {
    found.server.admin &= ~ADMIN_FMAINT;
    found.server.running = true;
    touch(context, found.server);
    return OK;
  }),
  onServer(['disable', 'server'], (found, context) => {
    found.server.admin |= ADMIN_FMAINT;
    found.server.check.health = 0;
    touch(context, found.server);
    return OK;
  }),
  onServer(['enable', 'health'], (found) => {
    if (!found.server.check.configured)
      return err('Health check was not configured on this server, cannot enable.');
    found.server.check.enabled = true;
    return OK;
  }),
  onServer(['disable', 'health'], (found) => {
    keepCheckResult(found.server);
    found.server.check.enabled = false;
    return OK;
  }),
  onServer(['enable', 'agent'], (found) => {
    if (!found.server.agent.configured) return err('Agent was not configured on this server, cannot enable.');
    found.server.agent.enabled = true;
    return OK;
  }),
  onServer(['disable', 'agent'], (found) => {
    found.server.agent.enabled = false;
    return OK;
  }),
  onServer(['shutdown', 'sessions', 'server'], (found, context) => {
    // Held sessions leave their frontend too; the backend's sessions go with the server's.
    closeHeldSessions(
      context.state,
      (context.state.heldSessions ?? []).filter(
        (session) => session.backend === found.proxy.name && session.server === found.server.name,
      ),
    );
    found.proxy.counters.scur = Math.max(0, found.proxy.counters.scur - found.server.counters.scur);
    found.server.counters.scur = 0;
    return OK;
  }),
  { words: ['add', 'server'], level: 'admin', handle: addServer },
  { words: ['del', 'server'], level: 'admin', handle: delServer },
];
