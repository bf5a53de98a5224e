import type { BackendMetric } from '@haproxyadmin/protocol';
import type { CallOptions } from '../core/types.js';
import { NotFoundError } from '../errors.js';
import type { ModelContext } from './context.js';
import type { Scope } from './dump-source.js';
import { BACKEND_METRICS, type StatRow } from './protocol.js';
import { lookupServers } from './lookup.js';
import type { StatIndex } from './stat-index.js';
import { type MetricValue, StatObject } from './stat-object.js';
import type { Server } from './server.js';
import { validateName } from './validate.js';
import {
  type AddServerOptions,
  addServer,
  type DeleteServerOptions,
  deleteServers,
} from './dynamic-servers.js';
import { type ProcessServersState, readBackendServersState } from './servers-state.js';

/**
 * A backend across every process, addressed by name.
 *
 * Identity: `key` is `backend:<name>`, the same for every client and source. Within one `HAProxy`
 * client, lookups return the same instance while it is referenced, so `===`, `Map` and `Set` work;
 * across clients compare `key`.
 */
export class Backend extends StatObject {
  readonly name: string;
  readonly key: string;
  /** The proxy id (`iid`) at the last lookup (first process that has it); reads never use it. */
  get iid(): number {
    return this.capturedId;
  }
  protected readonly idField = 'iid';
  protected readonly kind = 'backend';
  protected readonly metricNames: readonly string[] = BACKEND_METRICS;
  protected readonly scope: Scope;

  /** @internal Use `hap.backend(name)` / `hap.backends()`. */
  constructor(context: ModelContext, name: string) {
    super(context);
    this.name = name;
    this.key = `backend:${name}`;
    this.scope = { proxy: name };
  }

  protected find(index: StatIndex): StatRow | undefined {
    return index.backends.get(this.name);
  }

  /** One metric (BACKEND_METRICS) aggregated across processes by its catalogue rule. */
  override metric(name: BackendMetric, options?: CallOptions): Promise<MetricValue> {
    return super.metric(name, options);
  }

  protected describe(): Record<string, unknown> {
    return { name: this.name, iid: this.iid };
  }

  /**
   * The servers of this backend (all, or those named `name`), from one dump per process.
   * @throws {NotFoundError} when the backend itself is gone (e.g. removed by a reload).
   */
  async servers(name?: string, options?: CallOptions): Promise<Server[]> {
    if (name !== undefined) validateName(name, 'server');
    return lookupServers(this.context, { backend: this.name, server: name, requireBackend: true }, options);
  }

  /** The server named `name` in this backend. @throws {NotFoundError} */
  async server(name: string, options?: CallOptions): Promise<Server> {
    validateName(name, 'server');
    const [found] = await lookupServers(
      this.context,
      { backend: this.name, server: name, requireBackend: true },
      options,
    );
    if (!found) throw new NotFoundError('server', `${this.name}/${name}`);
    return found;
  }

  /**
   * Each current process's `show servers state <backend>`, parsed: admin flags, operational
   * state, weights, check and agent state of every server.
   * @throws {NotFoundError} when no process has the backend.
   */
  serversState(options?: CallOptions): Promise<ProcessServersState[]> {
    return readBackendServersState(this.context, this.name, options);
  }

  /**
   * `add server <backend>/<name> <address> [keywords]` on every current process (a backend with a
   * dynamic balance algorithm). Every option is validated and the name checked free on every
   * process first; if some process refuses, the server is removed again from those that added it.
   * The server starts in MAINT with checks off unless `enable: true`.
   * @throws {InvalidArgumentError} bad name, address or option (nothing sent)
   * @throws {PreconditionFailedError} the name exists on some process (nothing sent)
   */
  addServer(name: string, address: string, options?: AddServerOptions): Promise<Server> {
    return addServer(this.context, this.name, name, address, options);
  }

  /** Remove the server `name` (see `Server#delete()`). @throws {NotFoundError} */
  async deleteServer(name: string, options?: DeleteServerOptions): Promise<void> {
    validateName(name, 'server');
    return deleteServers(this.context, this.name, name, options);
  }
}
