import type { FrontendMetric } from '@haproxyadmin/protocol';
import { serializeCommand } from '@haproxyadmin/protocol';
import type { CallOptions } from '../core/types.js';
import type { PerProcessValue } from './aggregate.js';
import type { ModelContext } from './context.js';
import type { Scope } from './dump-source.js';
import { FRONTEND_METRICS, type StatRow } from './protocol.js';
import type { StatIndex } from './stat-index.js';
import { type MetricValue, StatObject } from './stat-object.js';
import { INT32_MAX, validateInteger } from './validate.js';

/**
 * A frontend across every process, addressed by name.
 *
 * Identity: `key` is `frontend:<name>`, the same for every client and source. Within one `HAProxy`
 * client, lookups return the same instance while it is referenced, so `===`, `Map` and `Set` work;
 * across clients compare `key`.
 */
export class Frontend extends StatObject {
  readonly name: string;
  readonly key: string;
  /** The proxy id (`iid`) at the last lookup (first process that has it); reads never use it. */
  get iid(): number {
    return this.capturedId;
  }
  protected readonly idField = 'iid';
  protected readonly kind = 'frontend';
  protected readonly metricNames: readonly string[] = FRONTEND_METRICS;
  protected readonly scope: Scope;

  /** @internal Use `hap.frontend(name)` / `hap.frontends()`. */
  constructor(context: ModelContext, name: string) {
    super(context);
    this.name = name;
    this.key = `frontend:${name}`;
    this.scope = { proxy: name };
  }

  protected find(index: StatIndex): StatRow | undefined {
    return index.frontends.get(this.name);
  }

  /** One metric (FRONTEND_METRICS) aggregated across processes by its catalogue rule. */
  override metric(name: FrontendMetric, options?: CallOptions): Promise<MetricValue> {
    return super.metric(name, options);
  }

  protected describe(): Record<string, unknown> {
    return { name: this.name, iid: this.iid };
  }

  /** The connection limit (`slim`) summed over the current processes: total capacity, as the seed documents. */
  async maxConn(options?: CallOptions): Promise<number> {
    let total = 0;
    for (const { value } of await this.maxConnPerProcess(options)) total += value ?? 0;
    return total;
  }

  /** Each current process's connection limit (`slim`). */
  async maxConnPerProcess(options?: CallOptions): Promise<PerProcessValue<number | null>[]> {
    return (await this.locate('current', options)).map(({ process, row }) => ({
      process,
      value: typeof row.slim === 'number' ? row.slim : null,
    }));
  }

  /** `set maxconn frontend <name> <n>` on every current process (`n` is per process). */
  async setMaxConn(value: number, options?: CallOptions): Promise<void> {
    validateInteger(value, 'maxconn', 0, INT32_MAX);
    await this.context.write(
      [{ line: serializeCommand('set maxconn frontend', this.name, value) }],
      options,
      {
        idempotent: true,
      },
    );
  }

  /** `enable frontend <name>`: resume a paused frontend. */
  async enable(options?: CallOptions): Promise<void> {
    await this.context.write([{ line: serializeCommand('enable frontend', this.name) }], options, {
      idempotent: true,
    });
  }

  /** `disable frontend <name>`: pause it (it stops accepting connections until `enable()`). */
  async disable(options?: CallOptions): Promise<void> {
    await this.context.write([{ line: serializeCommand('disable frontend', this.name) }], options, {
      idempotent: true,
    });
  }

  /** `shutdown frontend <name>`: stop it for good (irreversible until a reload). */
  async shutdown(options?: CallOptions): Promise<void> {
    await this.context.write([{ line: serializeCommand('shutdown frontend', this.name) }], options, {
      idempotent: false,
    });
  }
}
