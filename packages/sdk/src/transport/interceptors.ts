import { HAProxyError, InvalidArgumentError } from '@haproxyadmin/protocol';
import { SocketError } from '../errors.js';
import { raceAbort } from './stream-transport.js';
import type { Send, Transport, TransportInterceptor, TransportReply, TransportRequest } from './types.js';

/**
 * Wrap a transport with interceptors; the first one is the outermost.
 *
 * @example withInterceptors(unixTransport({ path }), [timeout({ ms: 1000 }), retry({ retries: 2 }), log()])
 */
export function withInterceptors(
  transport: Transport,
  interceptors: readonly TransportInterceptor[],
): Transport {
  const context = { endpoint: transport.endpoint };
  const send = interceptors.reduceRight<Send>(
    (next, interceptor) => interceptor(next, context),
    (request) => transport.send(request),
  );
  return { endpoint: transport.endpoint, send, close: () => transport.close() };
}

export interface TimeoutOptions {
  /** Total budget of a request in ms (connect, send, every retry, the whole reply). Default 5000. */
  ms?: number | undefined;
}

/**
 * The rule for every time budget in ms, per call (`{ timeout }`) as for `HAProxy.connect`: a number
 * `>= 0`, where `0` and `Infinity` mean no limit. `undefined` means the default. Anything else
 * (negative, `NaN`, a string) is refused with `InvalidArgumentError`, before anything is sent.
 */
export function checkTimeout(value: unknown, argument = 'timeout'): void {
  if (value !== undefined && !validBudget(value)) throw invalidTimeout(value, argument);
}

const validBudget = (value: unknown): value is number => typeof value === 'number' && value >= 0;

function invalidTimeout(value: unknown, argument: string): InvalidArgumentError {
  const shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  return new InvalidArgumentError(
    `${argument} must be a number >= 0 in ms (0 or Infinity: no limit), got ${shown}`,
    { argument, value },
  );
}

/**
 * A total time budget per request (`request.timeout` overrides `ms`), covering connecting,
 * writing, every retry and the whole reply: it sets `request.deadline`, which the transport
 * enforces (no timer per request: thousands of pipelined requests share one per connection). When
 * it passes the request rejects with a `SocketTimeoutError` and a connection with a reply still
 * in flight is discarded. `0` or `Infinity` means no limit; a negative, `NaN` or non-number
 * budget rejects the request with `InvalidArgumentError` before it is sent (see {@link checkTimeout}).
 */
export function timeout(options: TimeoutOptions = {}): TransportInterceptor {
  checkTimeout(options.ms, 'ms');
  return (next) => (request) => {
    const ms = request.timeout ?? options.ms ?? 5000;
    if (!validBudget(ms)) return Promise.reject(invalidTimeout(ms, 'timeout'));
    if (ms === 0 || ms === Number.POSITIVE_INFINITY) return next(request);
    const deadline = performance.now() + ms;
    // Built field by field: a spread of an object with optional fields is measurably slower.
    return next({
      line: request.line,
      payload: request.payload,
      signal: request.signal,
      timeout: ms,
      deadline: request.deadline === undefined ? deadline : Math.min(request.deadline, deadline),
      idempotent: request.idempotent,
      oneshot: request.oneshot,
      onSent: request.onSent,
    });
  };
}

export interface RetryOptions {
  /** Retries after the first attempt. `0` disables retrying. Default 2. */
  retries?: number | undefined;
  /** Delay before the first retry in ms; doubled for each further one. Default 200. */
  interval?: number | undefined;
  /** Longest delay between two attempts in ms. Default 5000. */
  maxInterval?: number | undefined;
}

/**
 * Retry after a socket fault, with exponential backoff, **only** for requests marked
 * `idempotent` (reads and absolute sets). A non-idempotent write whose reply was lost is never
 * sent again: its `SocketTransportError` reaches the caller. Command errors (HAProxy answered),
 * permission errors, timeouts and aborts are never retried.
 */
export function retry(options: RetryOptions = {}): TransportInterceptor {
  const retries = options.retries ?? 2;
  const interval = options.interval ?? 200;
  const maxInterval = options.maxInterval ?? 5000;
  return (next) => (request) => {
    if (!request.idempotent || retries === 0) return next(request);
    // No async frame on the success path: thousands of pipelined requests go through here.
    const attempt = (count: number): Promise<TransportReply> =>
      next(request).catch(async (error: unknown) => {
        if (request.signal?.aborted || count >= retries || !request.idempotent || !retryable(error))
          throw error;
        const delay = Math.min(maxInterval, interval * 2 ** count);
        // The budget is total: no retry that could not finish in time.
        if (request.deadline !== undefined && performance.now() + delay >= request.deadline) throw error;
        await sleep(delay, request.signal);
        return attempt(count + 1);
      });
    return attempt(0);
  };
}

function retryable(error: unknown): boolean {
  if (
    !(error instanceof SocketError) &&
    !(HAProxyError.isInstance(error) && error.code.startsWith('HAPROXY_ERR_SOCKET'))
  ) {
    return false;
  }
  const code = (error as HAProxyError).code;
  return code === 'HAPROXY_ERR_SOCKET_CONNECTION' || code === 'HAPROXY_ERR_SOCKET_TRANSPORT';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return raceAbort(
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
    signal,
  );
}

/** What the `log()` interceptor reports for each request. */
export interface TransportLogEvent {
  endpoint: string;
  line: string;
  /** Duration in ms. */
  duration: number;
  ok: boolean;
  /** Characters of the reply. */
  size?: number;
  error?: unknown;
}

/** Report each request (endpoint, line, duration, outcome) to `logger` (default: `console.debug`). */
export function log(
  logger: (event: TransportLogEvent) => void = (event) => console.debug(event),
): TransportInterceptor {
  return (next, { endpoint }) =>
    async (request: TransportRequest): Promise<TransportReply> => {
      const start = performance.now();
      try {
        const reply = await next(request);
        logger({
          endpoint,
          line: request.line,
          duration: performance.now() - start,
          ok: true,
          size: reply.text.length,
        });
        return reply;
      } catch (error) {
        logger({ endpoint, line: request.line, duration: performance.now() - start, ok: false, error });
        throw error;
      }
    };
}
