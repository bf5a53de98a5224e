/**
 * `hap.reload()`: reload HAProxy through its master CLI and find out whether it worked.
 *
 * HAProxy 2.6's `reload` answers nothing and closes every master CLI connection while the master
 * re-executes itself; 2.7+ answers `Success=1` / `Success=0` (then startup logs) before closing.
 * Either way the outcome is confirmed with `show proc`: the master's reload counter increased, and
 * either its `[failed: N]` counter increased (the new configuration was refused, the old workers keep
 * serving) or a current worker with a new pid is listed.
 */
import { HAProxyError, type HAProxyErrorOptions, type ProcList, parseProc } from '@haproxyadmin/protocol';
import type { CallOptions, Executor, MasterChannel, ProcessRef } from '../core/types.js';
import { InvalidArgumentError, SocketTimeoutError, UnsupportedError } from '../errors.js';

/** Options of {@link reload}. */
export interface ReloadOptions {
  /**
   * How long to wait for the new worker (or the failure), in ms. Default 30000. Reloads of one master
   * run one at a time; a queued reload's budget starts when its turn comes.
   */
  timeout?: number | undefined;
  /** Abort waiting (the reload itself may already be under way). */
  signal?: AbortSignal | undefined;
  /** Delay between two `show proc` polls, in ms. Default 100. */
  pollInterval?: number | undefined;
}

/** The outcome of a successful reload. */
export interface ReloadResult {
  readonly ok: true;
  /** The master CLI that was reloaded. */
  readonly master: string;
  /** Pids of the workers that were current before the reload (now stopping or gone). */
  readonly oldWorkers: readonly number[];
  /** Pids of the current workers after the reload. */
  readonly newWorkers: readonly number[];
  /** The processes the client now talks to (current and old workers), re-discovered. */
  readonly processes: readonly ProcessRef[];
  /** Time from sending `reload` to the confirmed outcome, in ms. */
  readonly elapsedMs: number;
  /** HAProxy 2.7+: the startup logs printed after `Success=1` (empty on 2.6). */
  readonly output: string;
}

/** HAProxy refused the new configuration: the old workers keep serving with the old one. */
export class ReloadFailedError extends HAProxyError {
  override name = 'ReloadFailedError';
  /** The master CLI. */
  readonly master: string;
  /** The master's `[failed: N]` counter after the reload (2.5+). */
  readonly failedReloads: number | undefined;
  /** The master's reload counter after the reload. */
  readonly reloads: number | undefined;
  /** Pids of the workers still current (the ones that were current before). */
  readonly workers: readonly number[];
  /** HAProxy 2.7+: the startup logs after `Success=0` (the configuration errors); empty on 2.6. */
  readonly output: string;

  constructor(
    message: string,
    details: {
      master: string;
      failedReloads: number | undefined;
      reloads: number | undefined;
      workers: readonly number[];
      output: string;
    },
    options: HAProxyErrorOptions = {},
  ) {
    super(message, { code: 'HAPROXY_ERR_RELOAD_FAILED', ...options });
    this.master = details.master;
    this.failedReloads = details.failedReloads;
    this.reloads = details.reloads;
    this.workers = details.workers;
    this.output = details.output;
  }
}

const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_POLL = 100;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function validate(options: ReloadOptions): { timeout: number; poll: number } {
  const check = (name: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be a number >= ${min}`, { argument: name, value });
    }
    return value;
  };
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError('signal must be an AbortSignal', {
      argument: 'signal',
      value: options.signal,
    });
  }
  return {
    timeout: check('timeout', options.timeout, DEFAULT_TIMEOUT, 1),
    poll: check('pollInterval', options.pollInterval, DEFAULT_POLL, 1),
  };
}

async function showProc(master: MasterChannel, options: CallOptions): Promise<ProcList> {
  return parseProc(await master.send('show proc', { ...options, idempotent: true }));
}

/**
 * Reload every master CLI of the client (normally one) and wait for the outcome.
 * @throws {UnsupportedError} without a master CLI source.
 * @throws {ReloadFailedError} when HAProxy refused the new configuration.
 * @throws {SocketTimeoutError} when neither a new worker nor a failure showed up in time.
 */
export function reload(executor: Executor, options: ReloadOptions = {}): Promise<ReloadResult> {
  let channel: MasterChannel | undefined;
  try {
    validate(options);
    channel = executor.masters?.()[0];
  } catch (error) {
    return Promise.reject(error);
  }
  if (!channel) return reloadOnce(executor, options);
  // One reload at a time per master: a second one would read the first one's counters as its own.
  const previous = inFlight.get(channel) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => reloadOnce(executor, options));
  const settled: Promise<void> = next.then(
    () => {},
    () => {},
  );
  inFlight.set(channel, settled);
  void settled.then(() => {
    if (inFlight.get(channel!) === settled) inFlight.delete(channel!);
  });
  return next;
}

const inFlight = new WeakMap<MasterChannel, Promise<void>>();

async function reloadOnce(executor: Executor, options: ReloadOptions): Promise<ReloadResult> {
  const { timeout, poll } = validate(options);
  const masters = executor.masters?.() ?? [];
  if (masters.length === 0) {
    throw new UnsupportedError(
      'reload needs a master CLI: connect with `master` (HAProxy started with -W/-Ws and -S <socket>); a stats socket cannot reload HAProxy',
    );
  }
  if (masters.length > 1) {
    throw new UnsupportedError(
      `reload() handles one master CLI at a time (${masters.length} given); connect to each master separately`,
    );
  }
  const master = masters[0]!;
  const signal = options.signal;
  const started = performance.now();
  const deadline = started + timeout;
  const remaining = () => Math.max(1, deadline - performance.now());
  signal?.throwIfAborted();

  const before = await showProc(master, { signal, timeout: remaining() });
  const beforeCurrent = before.workers.map((worker) => worker.pid);
  const beforeReloads = before.master?.reloads ?? 0;
  const beforeFailed = before.master?.failedReloads ?? 0;

  // 2.6: '' (connection closed by the re-executing master); 2.7+: `Success=…` then logs.
  let status = '';
  try {
    status = await master.send('reload', { signal, timeout: remaining(), oneshot: true });
  } catch (error) {
    // The master may close before anything is read (a reset instead of a clean close): the
    // outcome is found by polling below either way; only an abort stops here.
    if (signal?.aborted) throw signal.reason;
    if (!HAProxyError.isInstance(error) || !/^HAPROXY_ERR_SOCKET/.test(error.code)) throw error;
  }
  const success = /^Success=([01])\s*\n?/.exec(status);
  const output = success ? status.slice(success[0].length).replace(/^--\n/, '').replace(/\n+$/, '') : '';

  for (;;) {
    let list: ProcList | undefined;
    try {
      list = await showProc(master, { signal, timeout: remaining() });
    } catch (error) {
      // The master is re-executing: connection refused or closed for a moment.
      if (signal?.aborted) throw signal.reason;
      if (!HAProxyError.isInstance(error) || !/^HAPROXY_ERR_(SOCKET|PROTOCOL)/.test(error.code)) throw error;
    }
    if (list) {
      const reloads = list.master?.reloads;
      const failed = list.master?.failedReloads;
      const current = list.workers.map((worker) => worker.pid);
      const counted = reloads !== undefined && reloads > beforeReloads;
      if (success?.[1] === '0' || (counted && failed !== undefined && failed > beforeFailed)) {
        await master.refresh({ signal }).catch(() => {});
        throw new ReloadFailedError(
          `reload refused by ${master.endpoint}: the new configuration did not load (failed reloads: ${failed ?? '?'}); the previous workers (${current.join(', ') || 'none'}) keep serving${output ? `\n${output}` : ' (this HAProxy does not say why: 2.7+ returns the startup logs; run `haproxy -c -f <config>` to see the errors)'}`,
          { master: master.endpoint, failedReloads: failed, reloads, workers: current, output },
        );
      }
      const fresh = current.filter((pid) => !beforeCurrent.includes(pid));
      if ((counted || success?.[1] === '1') && fresh.length > 0) {
        await master.refresh({ signal, timeout: remaining() });
        const processes = await executor.processes({ signal });
        return {
          ok: true,
          master: master.endpoint,
          oldWorkers: beforeCurrent,
          newWorkers: current,
          processes,
          elapsedMs: Math.round(performance.now() - started),
          output,
        };
      }
    }
    if (performance.now() + poll > deadline) {
      throw new SocketTimeoutError(
        `reload not confirmed within ${timeout} ms: show proc lists no new worker and no failed reload`,
        master.endpoint,
        timeout,
      );
    }
    await sleep(poll, signal);
  }
}
