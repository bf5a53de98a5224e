/**
 * The error hierarchy shared by every haproxyadmin package.
 *
 * Every class sets `name` and a stable `code`, passes `cause` to `Error`, and keeps its data in
 * readonly fields. `HAProxyError.isInstance(value)` works across duplicated installs of the package
 * (two copies in one `node_modules` tree), where `instanceof` does not.
 */

const marker = Symbol.for('haproxyadmin.error');

/** Codes of the errors defined in `@haproxyadmin/protocol` and `@haproxyadmin/sdk`. */
export type HAProxyErrorCode =
  | 'HAPROXY_ERR_PROTOCOL'
  | 'HAPROXY_ERR_INVALID_ARG'
  | 'HAPROXY_ERR_COMMAND'
  | 'HAPROXY_ERR_PERMISSION'
  | 'HAPROXY_ERR_NOT_FOUND'
  | 'HAPROXY_ERR_INCONSISTENT'
  | 'HAPROXY_ERR_PARTIAL'
  | 'HAPROXY_ERR_SOCKET'
  | 'HAPROXY_ERR_SOCKET_CONNECTION'
  | 'HAPROXY_ERR_SOCKET_PERMISSION'
  | 'HAPROXY_ERR_SOCKET_TIMEOUT'
  | 'HAPROXY_ERR_SOCKET_TRANSPORT'
  | 'HAPROXY_ERR_SOCKET_APPLICATION'
  | 'HAPROXY_ERR_ABORTED'
  | 'HAPROXY_ERR_CLOSED'
  | 'HAPROXY_ERR_PLUGIN'
  | 'HAPROXY_ERR_UNSUPPORTED'
  | 'HAPROXY_ERR_RELOAD_FAILED'
  | 'HAPROXY_ERR_ROLLED_BACK'
  | (string & {});

export interface HAProxyErrorOptions {
  code?: HAProxyErrorCode;
  cause?: unknown;
}

/** Base class of every error thrown by haproxyadmin. */
export class HAProxyError extends Error {
  declare readonly [marker]: true;
  override name = 'HAProxyError';
  readonly code: HAProxyErrorCode;

  constructor(message: string, options: HAProxyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, marker, { value: true, enumerable: false });
    this.code = options.code ?? 'HAPROXY_ERR';
  }

  /** True for any haproxyadmin error, from any copy of the package. */
  static isInstance(value: unknown): value is HAProxyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A reply that cannot be parsed: garbage, truncated, or not what the command produces. */
export class ProtocolError extends HAProxyError {
  override name = 'ProtocolError';
  /** The command whose reply failed to parse, when known. */
  readonly command: string | undefined;
  /** A short excerpt of the offending input. */
  readonly excerpt: string | undefined;

  constructor(message: string, options: HAProxyErrorOptions & { command?: string; excerpt?: string } = {}) {
    super(message, { code: 'HAPROXY_ERR_PROTOCOL', ...options });
    this.command = options.command;
    this.excerpt = options.excerpt;
  }
}

/** Input refused before anything was sent: a bad name, value, number or character. */
export class InvalidArgumentError extends HAProxyError {
  override name = 'InvalidArgumentError';
  /** Which argument was refused (e.g. `weight`, `backend`). */
  readonly argument: string | undefined;
  /** The refused value. */
  readonly value: unknown;

  constructor(message: string, options: HAProxyErrorOptions & { argument?: string; value?: unknown } = {}) {
    super(message, { code: 'HAPROXY_ERR_INVALID_ARG', ...options });
    this.argument = options.argument;
    this.value = options.value;
  }
}

/** HAProxy answered a command with an error text. */
export class CommandFailedError extends HAProxyError {
  override name = 'CommandFailedError';
  /** The command line as sent. */
  readonly command: string;
  /** HAProxy's reply, verbatim. */
  readonly response: string;
  /** `set severity-output number` severity when the reply carried one (3 = error). */
  readonly severity: number | undefined;

  constructor(
    command: string,
    response: string,
    options: HAProxyErrorOptions & { severity?: number; message?: string } = {},
  ) {
    super(options.message ?? `HAProxy rejected "${command}": ${response.trim()}`, {
      code: 'HAPROXY_ERR_COMMAND',
      ...options,
    });
    this.command = command;
    this.response = response;
    this.severity = options.severity;
  }
}

/** The socket's level (user/operator/admin) is too low for the command. */
export class PermissionDeniedError extends CommandFailedError {
  override name = 'PermissionDeniedError';

  constructor(command: string, response = 'Permission denied', options: HAProxyErrorOptions = {}) {
    super(command, response, {
      code: 'HAPROXY_ERR_PERMISSION',
      message: `HAProxy refused "${command}": permission denied (the socket's level is too low)`,
      ...options,
    });
  }
}

/** The HAProxy build or version lacks the command. */
export class UnsupportedError extends HAProxyError {
  override name = 'UnsupportedError';
  constructor(message: string, options: HAProxyErrorOptions = {}) {
    super(message, { code: 'HAPROXY_ERR_UNSUPPORTED', ...options });
  }
}
