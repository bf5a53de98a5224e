import type { ServerMetric } from '@haproxyadmin/protocol';
import { ProtocolError, serializeCommand, UnsupportedError } from '@haproxyadmin/protocol';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { CommandFailedError, InvalidArgumentError } from '../errors.js';
import { type DeleteServerOptions, deleteServers } from './dynamic-servers.js';
import { type DrainOptions, type DrainResult, drainServers } from './drain.js';
import { type ProcessServerState, readServersState } from './servers-state.js';
import { aggregate } from './aggregate.js';
import type { ModelContext, ReplyCheck, WriteSpec } from './context.js';
import type { Scope } from './dump-source.js';
import {
  type ParsedAddress,
  parseAddress,
  SERVER_METRICS,
  type StatRow,
  type StatValue,
} from './protocol.js';
import type { StatIndex } from './stat-index.js';
import { type MetricValue, StatObject } from './stat-object.js';
import { INT32_MAX, validateInteger, validateIp } from './validate.js';

/** The administrative states `setState()` accepts. */
export type ServerState = 'ready' | 'drain' | 'maint' | 'enable' | 'disable';
const STATES: readonly ServerState[] = ['ready', 'drain', 'maint', 'enable', 'disable'];

/** `set server … health` values. */
export type ServerHealth = 'up' | 'down' | 'stopping';
/** `set server … agent` values. */
export type ServerAgentState = 'up' | 'down';

/** A host name as `set server … fqdn` takes it (RFC 1123 labels, at most 253 characters). */
const FQDN =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;

/** `set server … fqdn` answers with a message on success. */
const fqdnChanged: ReplyCheck = (reply) =>
  / changed its FQDN from .* to .*|^no need to change the FDQN/.test(reply.trim());

/** `set server … ssl` answers with a notice on success. */
const sslUpdated: ReplyCheck = (reply) => reply.trim() === 'server ssl setting updated.';

function oneOf<T extends string>(value: unknown, allowed: readonly T[], argument: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `${argument} must be one of ${allowed.map((item) => `'${item}'`).join(', ')}, got ${JSON.stringify(value)}`,
      { argument, value },
    );
  }
  return value as T;
}

/** `set server … addr` answers with a message on success, identical or not across processes. */
const addressChanged: ReplyCheck = (reply) =>
  /^(IP changed from|no need to change the addr)/.test(reply.trim());

/**
 * A server of a backend, across every process, addressed by `backend/server` name.
 *
 * Identity: `key` is `<backend>/<server>`, the same for every client and source. Within one
 * `HAProxy` client, lookups return the same instance while it is referenced, so `===`, `Map` and
 * `Set` work; across clients compare `key`.
 */
export class Server extends StatObject {
  readonly name: string;
  readonly backendName: string;
  readonly key: string;
  /** The server id (`sid`) at the last lookup (first process that has it); reads never use it. */
  get sid(): number {
    return this.capturedId;
  }
  protected readonly idField = 'sid';
  protected readonly kind = 'server';
  protected readonly metricNames: readonly string[] = SERVER_METRICS;
  protected readonly scope: Scope;

  /** @internal Use `hap.server(…)`, `hap.servers()` or `backend.servers()`. */
  constructor(context: ModelContext, backendName: string, name: string) {
    super(context);
    this.name = name;
    this.backendName = backendName;
    this.key = `${backendName}/${name}`;
    this.scope = { proxy: backendName };
  }

  protected find(index: StatIndex): StatRow | undefined {
    return index.servers.get(this.backendName)?.get(this.name);
  }

  /** One metric (SERVER_METRICS) aggregated across processes by its catalogue rule. */
  override metric(name: ServerMetric, options?: CallOptions): Promise<MetricValue> {
    return super.metric(name, options);
  }

  protected describe(): Record<string, unknown> {
    return { backend: this.backendName, name: this.name, sid: this.sid };
  }

  /** The user weight (`uweight`, what `set weight` changes; 0–256), which every current process must agree on. */
  weight(options?: CallOptions): Promise<number> {
    return this.read('current', options, (found) => {
      const field = found.every(({ row }) => row.uweight !== undefined) ? 'uweight' : 'weight';
      const values = found.map(({ process, row }) => ({ process, value: row[field] ?? null }));
      return Number(aggregate('weight', 'same', values));
    });
  }

  /**
   * `set weight <backend>/<server> <value>`: an absolute weight 0–256, or a percentage 0%–100% of
   * the initial weight (`'50%'`). HAProxy documents relative weights as 0–100% only (2.6 takes more
   * and silently caps the result at 256), so more is an `InvalidArgumentError`.
   */
  async setWeight(value: number | `${number}%`, options?: CallOptions): Promise<void> {
    let argument: string | number;
    if (typeof value === 'string') {
      const match = /^(\d{1,5})%$/.exec(value);
      if (!match || Number(match[1]) > 100) {
        throw new InvalidArgumentError(
          `weight must be an integer 0-256 or a percentage 0%-100% of the initial weight like '50%', got ${JSON.stringify(value)}`,
          {
            argument: 'weight',
            value,
          },
        );
      }
      argument = `${Number(match[1])}%`;
    } else {
      argument = validateInteger(value, 'weight', 0, 256);
    }
    await this.#write(serializeCommand('set weight', this.key, argument), options, true);
  }

  /**
   * Change the administrative state: `ready`, `drain`, `maint` (`set server … state`), or
   * `enable` / `disable` (`enable|disable server`, the older equivalents of ready / maint).
   */
  async setState(state: ServerState, options?: CallOptions): Promise<void> {
    if (!STATES.includes(state)) {
      throw new InvalidArgumentError(
        `state must be one of ${STATES.join(', ')}, got ${JSON.stringify(state)}`,
        {
          argument: 'state',
          value: state,
        },
      );
    }
    const line =
      state === 'enable' || state === 'disable'
        ? serializeCommand(`${state} server`, this.key)
        : serializeCommand('set server', this.key, 'state', state);
    await this.#write(line, options, true);
  }

  /** `shutdown sessions server <backend>/<server>`: close every session on the server. */
  async shutdown(options?: CallOptions): Promise<void> {
    await this.#write(serializeCommand('shutdown sessions server', this.key), options, false);
  }

  /**
   * The address without the port: `10.0.0.1`, `::1` (IPv6 without brackets), a host name, or —
   * for a Unix-socket server — what HAProxy prints (`unix`; 2.6 does not print the path).
   * Current processes must agree.
   */
  async address(options?: CallOptions): Promise<string> {
    const addr = await this.#addr(options);
    const parsed = this.#parse(addr);
    return 'host' in parsed ? parsed.host : addr;
  }

  /** The port, or `null` when the server has none (Unix socket). Current processes must agree. */
  async port(options?: CallOptions): Promise<number | null> {
    const parsed = this.#parse(await this.#addr(options));
    return 'host' in parsed ? (parsed.port ?? null) : null;
  }

  /** `set server <backend>/<server> addr <ip>` (IPv4 or IPv6; the port is kept). */
  async setAddress(address: string, options?: CallOptions): Promise<void> {
    const ip = validateIp(address, 'address');
    await this.context.write([{ line: serializeCommand('set server', this.key, 'addr', ip) }], options, {
      idempotent: true,
      check: addressChanged,
    });
  }

  /**
   * Change the port, keeping each process's address: one `set server … addr <its ip> port <port>`
   * per distinct address, from the same dump (no extra round trip per process).
   */
  async setPort(port: number, options?: CallOptions): Promise<void> {
    validateInteger(port, 'port', 1, 65535);
    const found = await this.locate('current', options);
    const groups = new Map<string, ProcessRef[]>();
    for (const { process, row } of found) {
      const parsed = this.#parse(String(row.addr ?? ''));
      if (parsed.family !== 'ipv4' && parsed.family !== 'ipv6') {
        throw new UnsupportedError(
          `server ${this.key} has no TCP port to change (address ${String(row.addr)})`,
        );
      }
      const list = groups.get(parsed.host) ?? [];
      list.push(process);
      groups.set(parsed.host, list);
    }
    const specs: WriteSpec[] = [...groups].map(([host, targets]) => ({
      line: serializeCommand('set server', this.key, 'addr', host, 'port', port),
      targets,
    }));
    await this.context.write(specs, options, { idempotent: true, check: addressChanged });
  }

  /**
   * The last health check's status (`L4OK`, `L7STS`, `L4CON`…; `null` without checks). HAProxy
   * prefixes `* ` while a check is running; that marker is not part of the status and is removed.
   */
  async checkStatus(options?: CallOptions): Promise<string | null> {
    const found = await this.locate('current', options);
    const values = found.map(({ process, row }) => ({
      process,
      value: typeof row.check_status === 'string' ? row.check_status.replace(/^\* /, '') : null,
    }));
    return asString(aggregate('check_status', 'same', values));
  }

  /** The last health check's layer-5-7 code (e.g. HTTP status), or `null`. */
  async checkCode(options?: CallOptions): Promise<number | null> {
    const value = await this.field('check_code', 'same', options);
    return typeof value === 'number' ? value : null;
  }

  /** The last health check's result text (`last_chk`), or `null`. */
  async lastStatus(options?: CallOptions): Promise<string | null> {
    return asString(await this.field('last_chk', 'same', options));
  }

  /** The last agent check's result text (`last_agt`), or `null`. */
  async lastAgentCheck(options?: CallOptions): Promise<string | null> {
    return asString(await this.field('last_agt', 'same', options));
  }

  // ---- health checks and agent (issue #8) ----

  /** `enable health <backend>/<server>`: resume health checks (HAProxy refuses when none is configured). */
  async enableHealth(options?: CallOptions): Promise<void> {
    await this.#write(serializeCommand('enable health', this.key), options, true);
  }

  /** `disable health <backend>/<server>`: stop health checks (status becomes `no check`). */
  async disableHealth(options?: CallOptions): Promise<void> {
    await this.#write(serializeCommand('disable health', this.key), options, true);
  }

  /** `enable agent <backend>/<server>`: resume agent checks (HAProxy refuses when no agent is configured). */
  async enableAgent(options?: CallOptions): Promise<void> {
    await this.#write(serializeCommand('enable agent', this.key), options, true);
  }

  /** `disable agent <backend>/<server>`: stop agent checks. */
  async disableAgent(options?: CallOptions): Promise<void> {
    await this.#write(serializeCommand('disable agent', this.key), options, true);
  }

  /**
   * `set server … health up|down|stopping`: force the operational state (the next health check
   * may change it again). `stopping` shows as `NOLB`.
   */
  async setHealth(health: ServerHealth, options?: CallOptions): Promise<void> {
    const value = oneOf(health, ['up', 'down', 'stopping'] as const, 'health');
    await this.#write(serializeCommand('set server', this.key, 'health', value), options, true);
  }

  /** `set server … agent up|down`: force the agent state (HAProxy refuses without an enabled agent). */
  async setAgent(state: ServerAgentState, options?: CallOptions): Promise<void> {
    const value = oneOf(state, ['up', 'down'] as const, 'agent');
    await this.#write(serializeCommand('set server', this.key, 'agent', value), options, true);
  }

  /** `set server … check-port <port>`: the port health checks connect to (1–65535). */
  async setCheckPort(port: number, options?: CallOptions): Promise<void> {
    validateInteger(port, 'port', 1, 65535);
    await this.#write(serializeCommand('set server', this.key, 'check-port', port), options, true);
  }

  /**
   * `set server … agent-addr <ip> [port <port>]`: where agent checks connect (IPv4 or IPv6; a port
   * 1–65535 with `{ port }`).
   */
  async setAgentAddress(
    address: string,
    options?: { port?: number | undefined } & CallOptions,
  ): Promise<void> {
    const ip = validateIp(address, 'address');
    const port = options?.port;
    if (port !== undefined) validateInteger(port, 'port', 1, 65535);
    const line =
      port === undefined
        ? serializeCommand('set server', this.key, 'agent-addr', ip)
        : serializeCommand('set server', this.key, 'agent-addr', ip, 'port', port);
    await this.#write(line, options, true);
  }

  /** `set server … agent-port <port>` (1–65535). */
  async setAgentPort(port: number, options?: CallOptions): Promise<void> {
    validateInteger(port, 'port', 1, 65535);
    await this.#write(serializeCommand('set server', this.key, 'agent-port', port), options, true);
  }

  /**
   * `set server … agent-send <text>`: the string sent to the agent at each check. Any text but
   * empty, CR, LF or NUL; spaces, `;` and `\\` are escaped and arrive as given.
   */
  async setAgentSend(text: string, options?: CallOptions): Promise<void> {
    if (typeof text !== 'string' || text === '' || /[\r\n\0]/.test(text)) {
      throw new InvalidArgumentError('agent-send text must be a non-empty string without CR, LF or NUL', {
        argument: 'text',
        value: text,
      });
    }
    await this.#write(serializeCommand('set server', this.key, 'agent-send', text), options, true);
  }

  /**
   * `set server … fqdn <name>`: a new host name to resolve. HAProxy needs a `resolvers` section
   * on the server; without it every process refuses and this rejects with HAProxy's answer
   * (`CommandFailedError`).
   */
  async setFqdn(name: string, options?: CallOptions): Promise<void> {
    if (typeof name !== 'string' || !FQDN.test(name)) {
      throw new InvalidArgumentError(`fqdn must be a host name, got ${JSON.stringify(name)}`, {
        argument: 'fqdn',
        value: name,
      });
    }
    await this.context.write([{ line: serializeCommand('set server', this.key, 'fqdn', name) }], options, {
      idempotent: true,
      check: fqdnChanged,
    });
  }

  /** `set maxconn server <backend>/<server> <n>`: the server's connection limit (0 = none). */
  async setMaxConn(value: number, options?: CallOptions): Promise<void> {
    validateInteger(value, 'maxconn', 0, INT32_MAX);
    await this.#write(serializeCommand('set maxconn server', this.key, value), options, true);
  }

  /** The server's `maxconn` (`slim`; `null` = no limit), which every current process must agree on. */
  async maxConn(options?: CallOptions): Promise<number | null> {
    const value = await this.field('slim', 'same', options);
    return typeof value === 'number' ? value : null;
  }

  /**
   * `set server … ssl on|off`: use TLS towards the server or not. HAProxy 2.6 allows it only on a
   * server whose SSL settings exist (`ssl` on its line or its `default-server`), and only when built
   * with SSL: otherwise HAProxy's answer is the rejection (`CommandFailedError`; `UnsupportedError`
   * when the build has no SSL at all).
   */
  async setSsl(enabled: boolean, options?: CallOptions): Promise<void> {
    if (typeof enabled !== 'boolean') {
      throw new InvalidArgumentError(`ssl must be a boolean, got ${typeof enabled}`, {
        argument: 'ssl',
        value: enabled,
      });
    }
    const line = serializeCommand('set server', this.key, 'ssl', enabled ? 'on' : 'off');
    try {
      await this.context.write([{ line }], options, { idempotent: true, check: sslUpdated });
    } catch (error) {
      // Without SSL support `ssl` is not a `set server` subcommand: HAProxy prints the usage.
      if (error instanceof CommandFailedError && /^usage: set server /.test(error.response.trim())) {
        throw new UnsupportedError('this HAProxy is built without SSL: set server … ssl is not available', {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Each current process's `show servers state` entry of this server: admin flags (maintenance,
   * drain…), operational state, weights, check and agent state.
   * @throws {NotFoundError} when no current process has the server.
   */
  async state(options?: CallOptions): Promise<ProcessServerState[]> {
    return readServersState(this.context, this.backendName, options, this.name);
  }

  /**
   * Drain the server on every current process: DRAIN (no new sessions), wait until its sessions
   * (`scur`, summed over current and old workers, one coalesced dump per poll) reach 0 or the
   * deadline, then MAINT. See {@link DrainOptions} for what happens at the deadline.
   */
  drain(options?: DrainOptions): Promise<DrainResult> {
    return drainServers(this.context, [this], options);
  }

  /**
   * Remove the server from every current process (`del server`): MAINT, optionally wait for /
   * close its sessions, then delete once every process is ready. See {@link DeleteServerOptions}.
   */
  delete(options?: DeleteServerOptions): Promise<void> {
    return deleteServers(this.context, this.backendName, this.name, options);
  }

  async #addr(options?: CallOptions): Promise<string> {
    return String((await this.field('addr', 'same', options)) ?? '');
  }

  #parse(addr: string): ParsedAddress {
    if (addr === '') {
      throw new UnsupportedError(`HAProxy reports no address for server ${this.key} (user-level socket?)`);
    }
    try {
      return parseAddress(addr);
    } catch (error) {
      throw new ProtocolError(`show stat: unreadable address ${JSON.stringify(addr)} of server ${this.key}`, {
        command: 'show stat',
        excerpt: addr,
        cause: error,
      });
    }
  }

  async #write(line: string, options: CallOptions | undefined, idempotent: boolean): Promise<void> {
    await this.context.write([{ line }], options, { idempotent });
  }
}

function asString(value: StatValue): string | null {
  return value === null ? null : String(value);
}
