import {
  type SocketError,
  SocketConnectionError,
  SocketPermissionError,
  SocketTransportError,
} from '../errors.js';

const CONNECTION_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ENOTSOCK',
  'ENOTDIR',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EPROTOTYPE',
  'EINVAL',
]);

/** Map a system error to the SDK's socket error, keeping the errno error as `cause`. */
export function toSocketError(error: unknown, endpoint: string, phase: 'connect' | 'io'): SocketError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const errno = typeof code === 'string' ? { errno: code } : {};
  if (code === 'EACCES' || code === 'EPERM') {
    return new SocketPermissionError(`permission denied by the operating system (${code})`, endpoint, {
      cause: error,
      ...errno,
    });
  }
  if (phase === 'connect' || (code !== undefined && CONNECTION_CODES.has(code) && code !== 'ETIMEDOUT')) {
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused (nothing listens: a stale socket file or a stopped HAProxy)'
        : code === 'ENOENT'
          ? 'no such socket file'
          : `cannot connect: ${text}`;
    return new SocketConnectionError(why, endpoint, { cause: error, ...errno });
  }
  return new SocketTransportError(`connection broken: ${text}`, endpoint, { cause: error, ...errno });
}
