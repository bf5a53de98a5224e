import { type CapturedError, parseErrors, serializeCommand } from '@haproxyadmin/protocol';
import { settle } from '../core/settle.js';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { aggregate, modeOf, type PerProcessValue } from './aggregate.js';
import type { Backend } from './backend.js';
import { ModelContext } from './context.js';
import type { Executor } from '../core/types.js';
import type { Frontend } from './frontend.js';
import { lookupBackends, lookupFrontends, lookupServers } from './lookup.js';
import type { HAProxyMetric } from '@haproxyadmin/protocol';
import { HAPROXY_METRICS, type InfoRecord, infoRule } from './protocol.js';
import type { Server } from './server.js';
import { Snapshot } from './snapshot.js';
import type { MetricValue } from './stat-object.js';
import { INT32_MAX, validateInteger, validateName } from './validate.js';
import { type DrainOptions, type DrainResult, drainServers } from './drain.js';
import { EventStream, type EventsOptions } from './events.js';
import { type ProcessServersConn, readServersConn } from './servers-state.js';

/** One process's `show info`. */
export interface ProcessInfo {
  readonly process: ProcessRef;
  readonly info: Readonly<InfoRecord>;
}

/** One process's `show errors`: the captured errors (parsed by protocol's `parseErrors`) and the raw lines. */
export interface ProcessErrors {
  readonly process: ProcessRef;
  /** When the report was produced (`25/Nov/2026:12:33:02.586`). */
  readonly capturedAt: string;
  /** `Total events captured` on this process (over every proxy, not only the listed ones). */
  readonly total: number;
  /** Each captured error: date, direction, proxy, peer, server, source, positions, dump. */
  readonly errors: readonly CapturedError[];
  /** The reply, split in lines. */
  readonly lines: readonly string[];
}

type Limit = 'Maxconn' | 'ConnRateLimit' | 'SessRateLimit' | 'SslRateLimit';

/**
 * The process-wide part of the object model behind `HAProxy`'s methods.
 * @internal
 */
export class HAProxyModel {
  readonly context: ModelContext;

  constructor(executor: Executor) {
    this.context = new ModelContext(executor);
  }

  async #infoValues(
    field: string,
    mode: 'current' | 'all',
    options?: CallOptions,
  ): Promise<PerProcessValue[]> {
    const dumps = await this.context.infoDumps(mode, options);
    return dumps.map(({ process, value }) => ({ process, value: value[field] ?? null }));
  }

  async #same(field: string, options?: CallOptions): Promise<string | undefined> {
    const value = aggregate(field, 'same', await this.#infoValues(field, 'current', options));
    return value === null || value === '' ? undefined : String(value);
  }

  async #required(field: string, options?: CallOptions): Promise<string> {
    const value = await this.#same(field, options);
    if (value === undefined) throw new NotFoundError('info field', field);
    return value;
  }

  async processIds(options?: CallOptions): Promise<number[]> {
    return (await this.#infoValues('Pid', 'current', options)).map(({ value }) => Number(value));
  }

  description(options?: CallOptions): Promise<string | undefined> {
    return this.#same('description', options);
  }

  releaseDate(options?: CallOptions): Promise<string> {
    return this.#required('Release_date', options);
  }

  version(options?: CallOptions): Promise<string> {
    return this.#required('Version', options);
  }

  nodeName(options?: CallOptions): Promise<string> {
    return this.#required('node', options);
  }

  async #youngest(options?: CallOptions): Promise<InfoRecord> {
    const dumps = await this.context.infoDumps('current', options);
    let youngest: InfoRecord | undefined;
    for (const { value } of dumps) {
      if (!youngest || Number(value.Uptime_sec) < Number(youngest.Uptime_sec)) youngest = value;
    }
    if (!youngest) throw new NotFoundError('process', 'current', { message: 'no current HAProxy process' });
    return youngest;
  }

  /** Uptime of the most recently started current process (`0d 0h01m36s`). */
  async uptime(options?: CallOptions): Promise<string> {
    return String((await this.#youngest(options)).Uptime ?? '');
  }

  /** Uptime in seconds of the most recently started current process. */
  async uptimeSec(options?: CallOptions): Promise<number> {
    return Number((await this.#youngest(options)).Uptime_sec ?? 0);
  }

  async totalRequests(options?: CallOptions): Promise<number | bigint> {
    return toTotal(aggregate('CumReq', 'sum', await this.#infoValues('CumReq', 'all', options)));
  }

  /** HTTP requests received by all frontends (`req_tot`), summed over every process. */
  async requests(options?: CallOptions): Promise<number | bigint> {
    const dumps = await this.context.statDumps('*', 'all', options);
    const values: PerProcessValue[] = [];
    for (const { process, value } of dumps) {
      for (const row of value.frontends.values()) values.push({ process, value: row.req_tot ?? null });
    }
    return toTotal(aggregate('req_tot', 'sum', values));
  }

  async #limitPerProcess(field: Limit, options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return (await this.#infoValues(field, 'current', options)).map(({ process, value }) => ({
      process,
      value: Number(value ?? 0),
    }));
  }

  async #limit(field: Limit, options?: CallOptions): Promise<number> {
    let total = 0;
    for (const { value } of await this.#limitPerProcess(field, options)) total += value;
    return total;
  }

  maxConn(options?: CallOptions): Promise<number> {
    return this.#limit('Maxconn', options);
  }
  maxConnPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.#limitPerProcess('Maxconn', options);
  }
  rateLimitConn(options?: CallOptions): Promise<number> {
    return this.#limit('ConnRateLimit', options);
  }
  rateLimitConnPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.#limitPerProcess('ConnRateLimit', options);
  }
  rateLimitSess(options?: CallOptions): Promise<number> {
    return this.#limit('SessRateLimit', options);
  }
  rateLimitSessPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.#limitPerProcess('SessRateLimit', options);
  }
  rateLimitSslSess(options?: CallOptions): Promise<number> {
    return this.#limit('SslRateLimit', options);
  }
  rateLimitSslSessPerProcess(options?: CallOptions): Promise<PerProcessValue<number>[]> {
    return this.#limitPerProcess('SslRateLimit', options);
  }

  async #setGlobal(verb: string, argument: string, value: number, options?: CallOptions): Promise<void> {
    validateInteger(value, argument, 0, INT32_MAX);
    await this.context.write([{ line: serializeCommand(verb, 'global', value) }], options, {
      idempotent: true,
    });
  }

  setMaxConn(value: number, options?: CallOptions): Promise<void> {
    return this.#setGlobal('set maxconn', 'maxconn', value, options);
  }
  setRateLimitConn(value: number, options?: CallOptions): Promise<void> {
    return this.#setGlobal('set rate-limit connections', 'rate limit', value, options);
  }
  setRateLimitSess(value: number, options?: CallOptions): Promise<void> {
    return this.#setGlobal('set rate-limit sessions', 'rate limit', value, options);
  }
  setRateLimitSslSess(value: number, options?: CallOptions): Promise<void> {
    return this.#setGlobal('set rate-limit ssl-sessions', 'rate limit', value, options);
  }

  async frontends(name?: string, options?: CallOptions): Promise<Frontend[]> {
    if (name !== undefined) validateName(name, 'frontend');
    return lookupFrontends(this.context, name, options);
  }

  async frontend(name: string, options?: CallOptions): Promise<Frontend> {
    validateName(name, 'frontend');
    const [found] = await lookupFrontends(this.context, name, options);
    if (!found) throw new NotFoundError('frontend', name);
    return found;
  }

  async backends(name?: string, options?: CallOptions): Promise<Backend[]> {
    if (name !== undefined) validateName(name, 'backend');
    return lookupBackends(this.context, name, options);
  }

  async backend(name: string, options?: CallOptions): Promise<Backend> {
    validateName(name, 'backend');
    const [found] = await lookupBackends(this.context, name, options);
    if (!found) throw new NotFoundError('backend', name);
    return found;
  }

  async servers(filter: { backend?: string | undefined } = {}, options?: CallOptions): Promise<Server[]> {
    if (filter.backend !== undefined) validateName(filter.backend, 'backend');
    return lookupServers(this.context, { backend: filter.backend }, options);
  }

  async server(
    name: string,
    filter: { backend?: string | undefined } = {},
    options?: CallOptions,
  ): Promise<Server[]> {
    validateName(name, 'server');
    if (filter.backend !== undefined) validateName(filter.backend, 'backend');
    const found = await lookupServers(this.context, { backend: filter.backend, server: name }, options);
    if (found.length === 0) {
      throw new NotFoundError('server', filter.backend === undefined ? name : `${filter.backend}/${name}`);
    }
    return found;
  }

  async info(options?: CallOptions): Promise<ProcessInfo[]> {
    return (await this.context.infoDumps('current', options)).map(({ process, value }) => ({
      process,
      info: value,
    }));
  }

  async metric(name: HAProxyMetric, options?: CallOptions): Promise<MetricValue> {
    if (typeof name !== 'string' || !(HAPROXY_METRICS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`${JSON.stringify(name)} is not an HAProxy metric`, {
        argument: 'name',
        value: name,
      });
    }
    const rule = infoRule(name);
    const value = aggregate(name, rule, await this.#infoValues(name, modeOf(rule), options));
    return typeof value === 'string' ? null : value;
  }

  async clearCounters(options: { all?: boolean | undefined } & CallOptions = {}): Promise<void> {
    if (options.all !== undefined && typeof options.all !== 'boolean') {
      throw new InvalidArgumentError('all must be a boolean', { argument: 'all', value: options.all });
    }
    const line = options.all ? 'clear counters all' : 'clear counters';
    await this.context.write([{ line }], options, { idempotent: true });
  }

  /** `show errors [<iid>|<proxy>]` on every current process. */
  async errors(iid?: number | string, options?: CallOptions): Promise<ProcessErrors[]> {
    let line = 'show errors';
    if (typeof iid === 'number') line = serializeCommand(line, validateInteger(iid, 'iid', -1, INT32_MAX));
    else if (iid !== undefined) line = serializeCommand(line, validateName(iid, 'proxy'));
    const outcomes = await this.context.executor.run(line, {
      targets: 'current',
      idempotent: true,
      signal: options?.signal,
      timeout: options?.timeout,
    });
    const texts = settle(line, outcomes);
    return texts.map((text, index) => {
      const report = parseErrors(text);
      return {
        process: outcomes[index]!.process,
        capturedAt: report.capturedAt,
        total: report.total,
        errors: report.errors,
        lines: text.replace(/\n+$/, '').split('\n'),
      };
    });
  }

  /** `show servers conn [<backend>]` on every current process, parsed (issue #8). */
  async serversConn(backend?: string, options?: CallOptions): Promise<ProcessServersConn[]> {
    if (backend !== undefined) validateName(backend, 'backend');
    return readServersConn(this.context, backend, options);
  }

  /** Drain the servers named `name` in one backend or in every backend (`'all'`, the default). */
  async drainServer(
    name: string,
    options: DrainOptions & { backend?: string | undefined } = {},
  ): Promise<DrainResult> {
    validateName(name, 'server');
    const { backend, ...drain } = options ?? {};
    const filter = backend === undefined || backend === 'all' ? {} : { backend };
    const servers = await this.server(name, filter, { signal: drain.signal });
    return drainServers(this.context, servers, drain);
  }

  /** Drain several servers together (any backends); each is looked up again by name on this client. */
  async drainServers(servers: readonly Server[], options: DrainOptions = {}): Promise<DrainResult> {
    if (
      !Array.isArray(servers) ||
      servers.length === 0 ||
      servers.some((server) => typeof server?.name !== 'string' || typeof server.backendName !== 'string')
    ) {
      throw new InvalidArgumentError('drainServers() expects a non-empty array of Server handles', {
        argument: 'servers',
        value: servers,
      });
    }
    const found = await Promise.all(
      servers.map(async (server) => {
        const [match] = await this.server(
          server.name,
          { backend: server.backendName },
          { signal: options.signal },
        );
        if (!match) throw new NotFoundError('server', `${server.backendName}/${server.name}`);
        return match;
      }),
    );
    return drainServers(
      this.context,
      [...new Map(found.map((server) => [server.key, server])).values()],
      options,
    );
  }

  /** State changes between successive snapshots, as an async iterator (issue #8). */
  events(options?: EventsOptions): EventStream {
    return new EventStream(this.context, options);
  }

  async snapshot(options?: CallOptions & { workers?: 'current' | 'all' | undefined }): Promise<Snapshot> {
    const workers = options?.workers ?? 'all';
    if (workers !== 'current' && workers !== 'all') {
      throw new InvalidArgumentError("workers must be 'current' or 'all'", {
        argument: 'workers',
        value: workers,
      });
    }
    return new Snapshot(this.context, await this.context.statDumps('*', workers, options));
  }
}

function toTotal(value: unknown): number | bigint {
  return typeof value === 'number' || typeof value === 'bigint' ? value : 0;
}
