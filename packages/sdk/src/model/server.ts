import type { ServerMetric } from '@haproxyadmin/protocol';
import { ProtocolError, serializeCommand, UnsupportedError } from '@haproxyadmin/protocol';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { InvalidArgumentError } from '../errors.js';
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
import { validateInteger, validateIp } from './validate.js';

/** The administrative states `setState()` accepts. */
export type ServerState = 'ready' | 'drain' | 'maint' | 'enable' | 'disable';
const STATES: readonly ServerState[] = ['ready', 'drain', 'maint', 'enable', 'disable'];

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
   * `set weight <backend>/<server> <value>`: an absolute weight 0–256, or a percentage of the
   * initial weight (`'50%'`).
   */
  async setWeight(value: number | `${number}%`, options?: CallOptions): Promise<void> {
    let argument: string | number;
    if (typeof value === 'string') {
      const match = /^(\d{1,5})%$/.exec(value);
      if (!match) {
        throw new InvalidArgumentError(
          `weight must be an integer 0-256 or a percentage like '50%', got ${JSON.stringify(value)}`,
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
