/**
 * Errors of `@haproxyadmin/sdk`. All extend {@link HAProxyError} from `@haproxyadmin/protocol`
 * (re-exported here), carry a stable `code`, and are recognised across package copies by
 * `HAProxyError.isInstance()`.
 */
import { HAProxyError, type HAProxyErrorOptions } from '@haproxyadmin/protocol';
import type { ProcessOutcome, ProcessRef } from './core/types.js';

export {
  CommandFailedError,
  HAProxyError,
  InvalidArgumentError,
  PermissionDeniedError,
  ProtocolError,
  UnsupportedError,
} from '@haproxyadmin/protocol';
export type { HAProxyErrorCode, HAProxyErrorOptions } from '@haproxyadmin/protocol';

/** A frontend, backend, server, ACL, map or process that does not exist (on any process asked). */
export class NotFoundError extends HAProxyError {
  override name = 'NotFoundError';
  /** What kind of object was looked up (`frontend`, `backend`, `server`, `acl`, `map`, …). */
  readonly kind: string;
  /** The name or id looked up. */
  readonly lookup: string;

  constructor(kind: string, lookup: string, options: HAProxyErrorOptions & { message?: string } = {}) {
    super(options.message ?? `${kind} ${JSON.stringify(lookup)} not found`, {
      code: 'HAPROXY_ERR_NOT_FOUND',
      ...options,
    });
    this.kind = kind;
    this.lookup = lookup;
  }
}

/** A value for an error message: JSON for objects and arrays (cut at 120 characters), text otherwise. */
function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (value === null || typeof value !== 'object') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? item.toString() : item,
    );
  } catch {
    return String(value);
  }
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Processes disagree on a value that must agree (status, weight, version, a limit…). */
export class InconsistentDataError extends HAProxyError {
  override name = 'InconsistentDataError';
  /** The value asked for (e.g. `weight`, `status`, `version`). */
  readonly field: string;
  /** Every process's value. */
  readonly values: ReadonlyArray<{ process: ProcessRef; value: unknown }>;

  constructor(
    field: string,
    values: ReadonlyArray<{ process: ProcessRef; value: unknown }>,
    options: HAProxyErrorOptions = {},
  ) {
    const shown = values.map(({ process, value }) => `${process.endpoint}=${showValue(value)}`).join(', ');
    super(`processes disagree on ${field}: ${shown}`, { code: 'HAPROXY_ERR_INCONSISTENT', ...options });
    this.field = field;
    this.values = values;
  }
}

/**
 * A command sent to several processes did not succeed on all of them. `outcomes` holds every
 * process's result: what succeeded stays reported and nothing is retried behind your back.
 */
export class AggregateProcessError extends HAProxyError {
  override name = 'AggregateProcessError';
  /** The command line, as sent. */
  readonly command: string;
  /** Every process's outcome, in process order. */
  readonly outcomes: ReadonlyArray<ProcessOutcome<unknown>>;

  constructor(
    command: string,
    outcomes: ReadonlyArray<ProcessOutcome<unknown>>,
    options: HAProxyErrorOptions = {},
  ) {
    const failed = outcomes.filter((outcome) => !outcome.ok);
    const first = failed[0];
    // Socket errors already start with their endpoint: don't name it twice.
    const reason =
      first && !first.ok
        ? first.error.message.startsWith(`${first.process.endpoint}: `)
          ? `: ${first.error.message}`
          : `: ${first.process.endpoint}: ${first.error.message}`
        : '';
    const where =
      failed.length === outcomes.length && outcomes.length > 1
        ? `on every process (${outcomes.length})`
        : `on ${failed.length} of ${outcomes.length} process${outcomes.length === 1 ? '' : 'es'}`;
    super(`"${command}" failed ${where}${reason}${failed.length > 1 ? ' (and others)' : ''}`, {
      code: 'HAPROXY_ERR_PARTIAL',
      cause: first && !first.ok ? first.error : undefined,
      ...options,
    });
    this.command = command;
    this.outcomes = outcomes;
  }

  /** Processes where the command succeeded. */
  get succeeded(): ProcessRef[] {
    return this.outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.process);
  }

  /** Processes where the command failed, with their errors. */
  get failed(): Array<{ process: ProcessRef; error: Error }> {
    return this.outcomes.flatMap((outcome) =>
      outcome.ok ? [] : [{ process: outcome.process, error: outcome.error }],
    );
  }
}

/**
 * A multi-process write failed on some processes and was undone on the others: **nothing changed
 * anywhere**. `outcomes` are those of the failed write (see {@link AggregateProcessError}); the
 * undo succeeded on every process in `rolledBack`. Thrown by `Backend#addServer()` when a process
 * refuses `add server` (the copies already added are deleted again). When the undo fails too, the
 * write's own {@link AggregateProcessError} is thrown: the change stays on the processes in `succeeded`.
 */
export class RolledBackError extends AggregateProcessError {
  override name = 'RolledBackError';
  /** The processes where the write had succeeded and was undone. */
  readonly rolledBack: readonly ProcessRef[];

  constructor(
    command: string,
    outcomes: ReadonlyArray<ProcessOutcome<unknown>>,
    options: HAProxyErrorOptions = {},
  ) {
    super(command, outcomes, { code: 'HAPROXY_ERR_ROLLED_BACK', ...options });
    this.rolledBack = this.succeeded;
    this.message = `${this.message.replace(/\.$/, '')}; undone on the other ${this.rolledBack.length}: nothing changed`;
  }
}

/** Base of socket faults. `endpoint` names the socket; `cause` is the system error when there is one. */
export class SocketError extends HAProxyError {
  override name = 'SocketError';
  /** The socket (`unix:///run/haproxy/admin.sock`, `tcp://127.0.0.1:9999`, …). */
  readonly endpoint: string;
  /** The errno code (`ENOENT`, `ECONNREFUSED`, `EACCES`, `EPIPE`, `ECONNRESET`, …) when known. */
  readonly errno: string | undefined;

  constructor(message: string, endpoint: string, options: HAProxyErrorOptions & { errno?: string } = {}) {
    super(`${endpoint}: ${message}`, { code: 'HAPROXY_ERR_SOCKET', ...options });
    this.endpoint = endpoint;
    this.errno = options.errno;
  }
}

/** The socket could not be connected to (missing path, refused, stale socket file, unreachable host). */
export class SocketConnectionError extends SocketError {
  override name = 'SocketConnectionError';
  constructor(message: string, endpoint: string, options: HAProxyErrorOptions & { errno?: string } = {}) {
    super(message, endpoint, { code: 'HAPROXY_ERR_SOCKET_CONNECTION', ...options });
  }
}

/** The operating system refused access to the socket (EACCES/EPERM). */
export class SocketPermissionError extends SocketError {
  override name = 'SocketPermissionError';
  constructor(message: string, endpoint: string, options: HAProxyErrorOptions & { errno?: string } = {}) {
    super(message, endpoint, { code: 'HAPROXY_ERR_SOCKET_PERMISSION', ...options });
  }
}

/** No (complete) reply within the call's time budget. */
export class SocketTimeoutError extends SocketError {
  override name = 'SocketTimeoutError';
  /** The budget that ran out, in ms. */
  readonly timeout: number;
  /**
   * Whether the command had been written to the socket when the time ran out: `true` means HAProxy
   * may still run it (a write may be applied after all — read the value back before retrying);
   * `false` that it never left; `undefined` when not known.
   */
  readonly sent: boolean | undefined;
  constructor(
    message: string,
    endpoint: string,
    timeout: number,
    options: HAProxyErrorOptions & { sent?: boolean | undefined } = {},
  ) {
    const { sent, ...rest } = options;
    super(message, endpoint, { code: 'HAPROXY_ERR_SOCKET_TIMEOUT', ...rest });
    this.timeout = timeout;
    this.sent = sent;
  }
}

/** The connection broke while a command was in flight (reset, closed mid-reply, EPIPE). */
export class SocketTransportError extends SocketError {
  override name = 'SocketTransportError';
  constructor(message: string, endpoint: string, options: HAProxyErrorOptions & { errno?: string } = {}) {
    super(message, endpoint, { code: 'HAPROXY_ERR_SOCKET_TRANSPORT', ...options });
  }
}

/** Something answers on the socket, but it is not an HAProxy Runtime API. */
export class SocketApplicationError extends SocketError {
  override name = 'SocketApplicationError';
  constructor(message: string, endpoint: string, options: HAProxyErrorOptions = {}) {
    super(message, endpoint, { code: 'HAPROXY_ERR_SOCKET_APPLICATION', ...options });
  }
}

/** A call on a client that was closed. */
export class ClientClosedError extends HAProxyError {
  override name = 'ClientClosedError';
  constructor(message = 'the HAProxy client is closed') {
    super(message, { code: 'HAPROXY_ERR_CLOSED' });
  }
}

/** Two plugins claim the same namespace, or a plugin claims a reserved name. */
export class PluginConflictError extends HAProxyError {
  override name = 'PluginConflictError';
  readonly namespace: string;
  constructor(namespace: string, message: string) {
    super(message, { code: 'HAPROXY_ERR_PLUGIN' });
    this.namespace = namespace;
  }
}
