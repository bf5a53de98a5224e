/**
 * The contract between the layers of the SDK: the transport/discovery layer implements
 * {@link Executor}; the object model, plugins and `HAProxy#command` only talk to an Executor.
 */

/** Options every call that talks to HAProxy accepts as its last argument. */
export interface CallOptions {
  /** Abort the call; the promise rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Total time budget of the call in ms (connect + send + whole reply), overriding the client's. */
  timeout?: number | undefined;
}

/** How a process was reached. */
export type ProcessRole = 'standalone' | 'worker' | 'old-worker';

/** One HAProxy process the client talks to. Identified by its source and pid, never by `Process_num`. */
export interface ProcessRef {
  /** Stable identity, e.g. `unix:///run/haproxy/a.sock` or `master:/run/m.sock@!1234`. */
  readonly key: string;
  /** Human-readable source, used in error messages. */
  readonly endpoint: string;
  /** The process id when known (from `show info` Pid or the master's `show proc`). */
  readonly pid: number | undefined;
  /** `standalone` for a socket of its own; `worker`/`old-worker` behind a master CLI. */
  readonly role: ProcessRole;
  /** False for old workers left by a reload (they serve existing connections; writes are refused). */
  readonly current: boolean;
}

/** One process's result of a command. */
export type ProcessOutcome<T> =
  | { readonly process: ProcessRef; readonly ok: true; readonly value: T }
  | { readonly process: ProcessRef; readonly ok: false; readonly error: Error };

/**
 * Which processes a command goes to: `current` (default; writes and configuration reads),
 * `all` (current and old workers: counters), or an explicit list / predicate.
 */
export type Targets = 'current' | 'all' | readonly ProcessRef[] | ((process: ProcessRef) => boolean);

export interface RunOptions extends CallOptions {
  /** Default `current`. */
  targets?: Targets | undefined;
  /**
   * True when sending the command twice is harmless (reads, absolute sets). Only idempotent
   * commands are retried after a lost reply; a non-idempotent write whose reply was lost fails
   * with a `SocketTransportError` instead of being re-sent blindly. Default false.
   */
  idempotent?: boolean | undefined;
  /** Payload lines sent after ` <<` (the line gets ` <<` appended; the payload ends with an empty line). */
  payload?: string | undefined;
}

/** Moves command lines to HAProxy processes and back. */
export interface Executor {
  /** The processes currently known (a master CLI's worker list is refreshed when stale). */
  processes(options?: CallOptions): Promise<readonly ProcessRef[]>;
  /**
   * Send one serialized command line (built with `serializeCommand`, no newline) to every target
   * process in parallel. Replies that are HAProxy errors become `CommandFailedError` /
   * `PermissionDeniedError` outcomes; socket faults become `Socket*Error` outcomes. A successful
   * reply's value is the text with framing (prompt, final empty line, severity prefix) removed.
   * Never rejects for a per-process failure; rejects only when aborted or closed.
   */
  run(line: string, options?: RunOptions): Promise<ProcessOutcome<string>[]>;
  /**
   * Re-discover the processes (optional): re-read a socket folder (new sockets probed and added,
   * vanished ones dropped) and every master's process list. Returns the processes now known.
   */
  refresh?(options?: CallOptions): Promise<readonly ProcessRef[]>;
  /** Close every connection. Idempotent. */
  close(): Promise<void>;
  /**
   * The master CLI sources (empty or absent without `master`): commands for the master process
   * itself (`show proc`, `reload`). Optional so that custom executors need not implement it.
   */
  masters?(): readonly MasterChannel[];
  /**
   * The sockets of `socketDir` left out by the last folder scan (optional), each with why: refused
   * (a stale socket file), not HAProxy, or — only with `unresponsive: 'skip'` or during a refresh —
   * no answer in time. Lets tools warn that a process may be missing.
   */
  skipped?(): readonly SkippedSocket[];
}

/** A socket of `socketDir` that discovery left out. */
export interface SkippedSocket {
  /** `unix:///run/haproxy/3.sock`. */
  readonly endpoint: string;
  /** `refused` (nothing listens: a stale socket file), `timeout` (accepted, no answer in time), `not-haproxy`, `error`. */
  readonly reason: 'refused' | 'timeout' | 'not-haproxy' | 'error';
  /** The error the probe ended with. */
  readonly error: Error;
}

/** A master CLI, for the commands the master runs itself. */
export interface MasterChannel {
  /** The master CLI socket (`unix:///run/haproxy-master.sock`). */
  readonly endpoint: string;
  /**
   * Send one line to the master itself and resolve with its raw reply (unclassified). With
   * `oneshot`, a dedicated connection is used and read until the master closes it: `reload` of 2.6
   * answers nothing (`''`) and closes, 2.7+ answers `Success=1|0…` then closes.
   */
  send(
    line: string,
    options?: CallOptions & {
      oneshot?: boolean | undefined;
      /** A read (`show proc`): may be sent again when the connection broke before the reply. Default false. */
      idempotent?: boolean | undefined;
    },
  ): Promise<string>;
  /** Read `show proc` again now and replace the worker list (after a reload). */
  refresh(options?: CallOptions): Promise<void>;
}
