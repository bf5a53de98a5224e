import { type FSWatcher, watch as watchFolder } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { InvalidArgumentError } from '@haproxyadmin/protocol';
import type { ProcessRef } from './types.js';

/** Options of automatic rediscovery (`HAProxy.connect({ watch })`). */
export interface WatchOptions {
  /**
   * Quiet time in ms after the last change in the socket folder before it is read again: a burst of
   * changes (a reload replacing every socket) gives one refresh. Default 100.
   */
  debounceMs?: number | undefined;
  /**
   * Interval in ms of polling: the socket folder's listing when `fs.watch` is unavailable or fails
   * (or with `usePolling`), and a master's `show proc`. Default 2000, at least 10.
   */
  pollIntervalMs?: number | undefined;
  /** Poll the folder instead of using `fs.watch` (network file systems, some containers). Default false. */
  usePolling?: boolean | undefined;
  /**
   * Called with each error of an automatic refresh (the folder cannot be read, a master's `show proc`
   * fails, …); watching goes on. Default: `process.emitWarning(error)`.
   */
  onError?: ((error: Error) => void) | undefined;
  /** Called after each successful automatic refresh with the processes now known. */
  onRefresh?: ((processes: readonly ProcessRef[]) => void) | undefined;
}

/** {@link WatchOptions} with defaults applied. */
export interface ResolvedWatchOptions {
  debounceMs: number;
  pollIntervalMs: number;
  usePolling: boolean;
  onError: (error: Error) => void;
  onRefresh: ((processes: readonly ProcessRef[]) => void) | undefined;
}

const DEFAULT_DEBOUNCE = 100;
const DEFAULT_POLL_INTERVAL = 2000;
/** A socket that appeared but did not answer yet (bound, not yet listening) is tried again this often. */
const PROBE_RETRY_DELAYS = [250, 500, 1000, 2000, 4000];

/** Validate `watch` (`true`, `false`, `undefined` or {@link WatchOptions}); `undefined` when off. */
export function resolveWatchOptions(watch: unknown): ResolvedWatchOptions | undefined {
  if (watch === undefined || watch === false) return undefined;
  const options: WatchOptions = watch === true ? {} : (watch as WatchOptions);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('watch must be true, false or an options object', {
      argument: 'watch',
      value: watch,
    });
  }
  const number = (name: 'debounceMs' | 'pollIntervalMs', fallback: number, min: number) => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new InvalidArgumentError(`watch.${name} must be a number of ms >= ${min}`, {
        argument: `watch.${name}`,
        value,
      });
    }
    return value;
  };
  for (const name of ['onError', 'onRefresh'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(`watch.${name} must be a function`, {
        argument: `watch.${name}`,
        value: options[name],
      });
    }
  }
  if (options.usePolling !== undefined && typeof options.usePolling !== 'boolean') {
    throw new InvalidArgumentError('watch.usePolling must be a boolean', {
      argument: 'watch.usePolling',
      value: options.usePolling,
    });
  }
  return {
    debounceMs: number('debounceMs', DEFAULT_DEBOUNCE, 0),
    pollIntervalMs: number('pollIntervalMs', DEFAULT_POLL_INTERVAL, 10),
    usePolling: options.usePolling ?? false,
    onError: options.onError ?? ((error) => process.emitWarning(error)),
    onRefresh: options.onRefresh,
  };
}

/** One automatic refresh: the processes now known, and whether a new socket did not answer yet. */
export type WatchRefresh = () => Promise<{ processes: readonly ProcessRef[]; retry: boolean }>;

/**
 * Runs the executor's refresh when the socket folder changes (`fs.watch`, or polling its listing)
 * and every `pollIntervalMs` for master CLIs. Bursts are debounced, one refresh runs at a time (a
 * change seen during a refresh runs another one after it), errors go to `onError`.
 *
 * Armed before the initial discovery so that nothing changing between that scan and the watch is
 * missed: changes seen before {@link attach} run one refresh as soon as it is attached.
 */
export class DiscoveryWatcher {
  readonly #dir: string | undefined;
  readonly #masters: boolean;
  readonly #options: ResolvedWatchOptions;
  readonly #maxWait: number;
  #folderWatcher: FSWatcher | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #masterTimer: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #burstStart: number | undefined;
  #listing: string | undefined;
  #polling = false;
  #refresh: WatchRefresh | undefined;
  #running: Promise<void> | undefined;
  #dirty = false;
  #again = false;
  #attempt = 0;
  #stopped = false;

  constructor(source: { dir: string | undefined; masters: boolean }, options: ResolvedWatchOptions) {
    this.#dir = source.dir;
    this.#masters = source.masters;
    this.#options = options;
    // A folder that never stops changing still gets refreshed this often.
    this.#maxWait = Math.max(options.debounceMs * 10, 1000);
  }

  /** How the folder is observed: `fs.watch`, polling, or not at all (master only). */
  get mode(): 'fs' | 'poll' | 'none' {
    if (this.#folderWatcher) return 'fs';
    return this.#pollTimer ? 'poll' : 'none';
  }

  /** Start observing. */
  async arm(): Promise<void> {
    if (this.#dir !== undefined && (this.#options.usePolling || !this.#watchFolder())) {
      await this.#startPolling(await this.#readListing());
    }
    if (this.#masters) {
      this.#masterTimer = setInterval(() => this.#request(0, 'change'), this.#options.pollIntervalMs);
    }
  }

  /** Give the refresh to run; runs it once now when something changed since {@link arm}. */
  attach(refresh: WatchRefresh): void {
    this.#refresh = refresh;
    if (this.#dirty) this.#request(this.#options.debounceMs, 'change');
  }

  /**
   * Something suggests the processes changed without the folder changing (a known socket refused a
   * connection: its process exited and left the file): refresh soon, as for a folder change.
   */
  nudge(): void {
    if (this.#dir !== undefined) this.#request(this.#options.debounceMs, 'change');
  }

  /** Stop every watcher and timer and wait for a refresh in flight. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#folderWatcher?.close();
    this.#folderWatcher = undefined;
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    clearInterval(this.#masterTimer);
    this.#masterTimer = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /** `fs.watch` on the folder; false when it is unavailable here. */
  #watchFolder(): boolean {
    let watcher: FSWatcher;
    try {
      watcher = watchFolder(this.#dir!, () => this.#request(this.#options.debounceMs, 'change'));
    } catch {
      return false;
    }
    // inotify limits, the folder removed, …: fall back to polling and look at the folder once.
    watcher.on('error', () => {
      if (this.#folderWatcher !== watcher) return;
      watcher.close();
      this.#folderWatcher = undefined;
      if (!this.#stopped) void this.#startPolling(undefined);
    });
    this.#folderWatcher = watcher;
    return true;
  }

  async #startPolling(listing: string | undefined): Promise<void> {
    if (this.#stopped || this.#pollTimer) return;
    this.#listing = listing;
    this.#pollTimer = setInterval(() => void this.#poll(), this.#options.pollIntervalMs);
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const listing = await this.#readListing();
      if (listing !== this.#listing && !this.#stopped) {
        this.#listing = listing;
        this.#request(this.#options.debounceMs, 'change');
      }
    } finally {
      this.#polling = false;
    }
  }

  /** The folder's entries (or why it cannot be read), to compare two polls. */
  async #readListing(): Promise<string> {
    try {
      return (await readdir(this.#dir!)).sort().join('\n');
    } catch (error) {
      return `\0${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
  }

  /** Run a refresh after `delay` ms of quiet (at most `maxWait` after the first request of a burst). */
  #request(delay: number, cause: 'change' | 'retry'): void {
    if (this.#stopped) return;
    if (cause === 'change') this.#attempt = 0;
    if (!this.#refresh) {
      this.#dirty = true;
      return;
    }
    if (this.#running) {
      this.#again = true;
      return;
    }
    const now = Date.now();
    this.#burstStart ??= now;
    if (this.#timer && now - this.#burstStart >= this.#maxWait) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, delay));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#burstStart = undefined;
    let retryIn: number | undefined;
    this.#running = this.#execute()
      .then((delay) => {
        retryIn = delay;
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.#request(this.#options.debounceMs, 'change');
        } else if (retryIn !== undefined) {
          this.#request(retryIn, 'retry');
        }
      });
  }

  /** One refresh; resolves with the delay before trying again sockets that did not answer yet. */
  async #execute(): Promise<number | undefined> {
    let result: Awaited<ReturnType<WatchRefresh>>;
    try {
      result = await this.#refresh!();
    } catch (error) {
      if (this.#stopped) return undefined; // closed meanwhile: nothing anyone needs to hear about
      this.#report(error instanceof Error ? error : new Error(String(error)));
      // A removed folder silences fs.watch for good: poll until it is back.
      if (this.#folderWatcher && !(await this.#folderExists())) {
        this.#folderWatcher.close();
        this.#folderWatcher = undefined;
        await this.#startPolling(await this.#readListing());
      }
      return undefined;
    }
    if (this.#stopped) return undefined;
    try {
      this.#options.onRefresh?.(result.processes);
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
    const delay = result.retry ? PROBE_RETRY_DELAYS[this.#attempt] : undefined;
    if (delay !== undefined) this.#attempt += 1;
    return delay;
  }

  async #folderExists(): Promise<boolean> {
    try {
      await access(this.#dir!);
      return true;
    } catch {
      return false;
    }
  }

  #report(error: Error): void {
    try {
      this.#options.onError(error);
    } catch (thrown) {
      process.emitWarning(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
  }
}
