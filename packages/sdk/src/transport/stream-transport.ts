import { createConnection, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  HAProxyError,
  InvalidArgumentError,
  ProtocolError,
  ResponseFramer,
  splitCommandLine,
  splitOneShotReplies,
  stripPayloadPrompts,
} from '@haproxyadmin/protocol';
import {
  ClientClosedError,
  SocketApplicationError,
  type SocketError,
  SocketTimeoutError,
  SocketTransportError,
} from '../errors.js';
import { formatEndpoint } from './endpoint.js';
import { toSocketError } from './socket-errors.js';
import type { Transport, TransportReply, TransportRequest } from './types.js';

/** Which CLI the stream speaks to. */
export type CliKind = 'stats' | 'master';

export interface StreamTransportOptions {
  /** How the endpoint is shown in errors (`tls://haproxy.example:9999`). */
  endpoint: string;
  /**
   * Open a byte stream to the CLI and resolve once it is connected (e.g. with `tls.connect`).
   * Reject with the system error (its `code` is kept); honour `signal`.
   */
  connect: (signal: AbortSignal) => Promise<Duplex>;
  /** `stats` (a stats socket; default) or `master` (a master CLI socket). */
  kind?: CliKind | undefined;
  /**
   * Called when HAProxy closes an established persistent connection by itself (idle timeout,
   * restart, master reload). The transport reconnects on the next request either way.
   */
  onPeerClose?: (() => void) | undefined;
  /**
   * Called each time a persistent connection is established, with how many were before it (0 for
   * the first): after a reconnect the process behind the socket may be a new one (a restart).
   */
  onConnect?: ((previous: number) => void) | undefined;
  /**
   * Largest reply accepted, in characters (default {@link DEFAULT_MAX_REPLY_LENGTH}, 256 Mi). A
   * longer one — a peer streaming without end, or a dump too big to hold — fails that request with
   * `ProtocolError` and closes the connection, instead of filling the memory until the timeout.
   */
  maxReplyLength?: number | undefined;
}

/** Default cap of one reply: 256 Mi characters (a `show stat` of 2,000 servers is about 1.3 MB). */
export const DEFAULT_MAX_REPLY_LENGTH = 256 * 2 ** 20;

/** First words that change the CLI session itself: never sent on the shared prompt connection. */
const SESSION_COMMANDS =
  /^\s*(?:prompt|quit|operator|user|expert-mode|experimental-mode|mcli-debug-mode|set\s+severity-output|set\s+timeout\s+cli)\b/;

/** How a line must be sent: on the shared prompt connection or on a one-shot connection. */
export function needsOneShot(line: string): boolean {
  return (
    (line.includes(';') && splitCommandLine(line).length > 1) ||
    SESSION_COMMANDS.test(line) ||
    line.trim().length === 0
  );
}

function validate(request: TransportRequest): void {
  if (/[\r\n\0]/.test(request.line)) {
    throw new InvalidArgumentError('a command line must not contain CR, LF or NUL', {
      argument: 'line',
      value: request.line,
    });
  }
  if (request.payload !== undefined) {
    const payload = request.payload.replace(/\n+$/, '');
    if (payload.length === 0 || payload.includes('\n\n') || /[\r\0]/.test(payload)) {
      throw new InvalidArgumentError(
        'a payload must be non-empty and contain no empty line, CR or NUL (an empty line ends it)',
        { argument: 'payload', value: request.payload },
      );
    }
  }
}

/** The bytes of one request: the line, and the payload with its terminating empty line. */
function encode(request: TransportRequest, line = request.line): string {
  if (request.payload === undefined) return `${line}\n`;
  return `${line} <<\n${request.payload.replace(/\n+$/, '')}\n\n`;
}

/** The error of a request whose deadline passed. */
function timeoutError(
  request: TransportRequest | undefined,
  endpoint: string,
  sent?: boolean,
): SocketTimeoutError {
  const line = request?.line ?? '';
  const shown = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  const budget = request?.timeout ?? 0;
  const fate =
    sent === true ? ' (it was sent: HAProxy may still run it)' : sent === false ? ' (it was not sent)' : '';
  return new SocketTimeoutError(
    `no complete reply to "${shown}" within ${budget} ms${fate}`,
    endpoint,
    budget,
    {
      sent,
    },
  );
}

/**
 * An AbortSignal for the slow paths (connecting, one-shot connections) that fires on the
 * request's own signal or its deadline. `dispose()` releases the timer and listener.
 */
function requestSignal(
  request: TransportRequest,
  endpoint: string,
  /** Known fate of the request if its time runs out here (`false` while connecting: not written). */
  sent?: boolean,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const user = request.signal;
  const onAbort = () => controller.abort(abortReason(user!));
  if (user?.aborted) onAbort();
  else user?.addEventListener('abort', onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = request.deadline;
  if (deadline !== undefined && deadline !== Number.POSITIVE_INFINITY) {
    // Timers start from the event loop's cached clock and may fire a little early: re-check.
    const arm = () => {
      const left = deadline - performance.now();
      if (left <= 0) controller.abort(timeoutError(request, endpoint, sent));
      else timer = setTimeout(arm, Math.ceil(left));
    };
    arm();
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      user?.removeEventListener('abort', onAbort);
    },
  };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The connection broke before this request was handed to it: nothing reached HAProxy. */
class UnsentError extends SocketTransportError {
  constructor(endpoint: string, cause: Error | undefined) {
    super(`connection closed before the command was sent${cause ? ` (${cause.message})` : ''}`, endpoint, {
      cause,
    });
  }
}

interface Inflight {
  /** Handed to the socket (HAProxy may have read it). */
  written: boolean;
  /** `performance.now()` time by which the reply must be complete. */
  readonly deadline: number;
  readonly request?: TransportRequest | undefined;
  onSent?: (() => void) | undefined;
  readonly payload: boolean;
  discard: boolean;
  /** Sends the request again on a new connection, when it was never written. */
  readonly resend?: (() => Promise<TransportReply>) | undefined;
  resolve(reply: TransportReply): void;
  reject(error: unknown): void;
}

/**
 * One persistent CLI connection in prompt mode, pipelined: requests are written as soon as they
 * come (batched per event-loop turn) and replies are matched to them in order.
 */
class CliConnection {
  private readonly framer: ResponseFramer;
  /** Requests written or about to be, in order; `head` is the first one still waiting. */
  private inflight: Inflight[] = [];
  private head = 0;
  private pendingWrite: string[] = [];
  private pendingEntries: Inflight[] = [];
  private flushScheduled = false;
  /** Characters of the greeting still being checked, to spot a peer that is not HAProxy early. */
  private greeting: string | undefined = '';
  private closedError: Error | undefined;
  /** True once we know HAProxy will not take more requests on it (peer closed, error, destroyed). */
  dead = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly socket: Duplex,
    private readonly endpoint: string,
    private readonly kind: CliKind,
    private readonly onPeerClose: () => void,
    maxReplyLength: number = DEFAULT_MAX_REPLY_LENGTH,
  ) {
    this.framer = new ResponseFramer({ mode: kind === 'master' ? 'master' : 'prompt', maxReplyLength });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (error) => this.fail(toSocketError(error, endpoint, 'io')));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.fail(new SocketTransportError('connection closed by HAProxy', endpoint)));
    this.ready = new Promise<string[]>((resolve, reject) => {
      const replies: string[] = [];
      const expect = (_count: number, last: boolean) =>
        this.inflight.push({
          written: false,
          deadline: Number.POSITIVE_INFINITY,
          payload: false,
          discard: false,
          resolve: (reply) => {
            replies.push(reply.text);
            if (last) resolve(replies);
          },
          reject,
        });
      // `prompt` switches to prompt mode; on a stats socket, severity prefixes make errors certain.
      if (kind === 'master') {
        expect(1, true);
        this.write('prompt\n');
      } else {
        expect(1, false);
        expect(1, true);
        this.write('prompt\nset severity-output number\n');
      }
    }).then((replies) => {
      const flat = replies;
      const expected = kind === 'master' ? [''] : ['\n', '\n'];
      if (flat.length !== expected.length || flat.some((text, index) => text !== expected[index])) {
        throw this.notHAProxy(`unexpected greeting ${JSON.stringify(flat.join('').slice(0, 80))}`);
      }
      this.greeting = undefined;
    });
    // Never an unhandled rejection: callers await `ready` and see the error there.
    this.ready.catch(() => {});
  }

  private notHAProxy(detail: string): SocketApplicationError {
    const what = this.kind === 'master' ? 'an HAProxy master CLI' : 'an HAProxy stats socket';
    return new SocketApplicationError(`the peer is not ${what}: ${detail}`, this.endpoint);
  }

  private checkGreeting(chunk: string): void {
    if (this.greeting === undefined) return;
    const seen = (this.greeting + chunk).slice(0, 64);
    this.greeting = seen;
    const ok =
      this.kind === 'master'
        ? /^master(?:\[[A-Za-z]*\])?(?:\([a-z]*\))?> /.test(seen) ||
          (seen.length < 40 &&
            ('master'.startsWith(seen) || /^master(?:\[[A-Za-z]*\]?)?(?:\([a-z]*\)?)?>?$/.test(seen)))
        : '\n> \n> '.startsWith(seen) || seen.startsWith('\n> \n> ');
    if (!ok) {
      const hint =
        this.kind !== 'master' && seen.startsWith('master> ') ? ' (this is a master CLI socket)' : '';
      this.destroy(this.notHAProxy(`unexpected greeting ${JSON.stringify(seen.slice(0, 40))}${hint}`));
    }
  }

  private onData(chunk: string): void {
    if (this.dead && this.inflight.length === this.head) return;
    this.checkGreeting(chunk);
    if (this.dead) return;
    let replies: ReturnType<ResponseFramer['push']>;
    try {
      replies = this.framer.push(chunk);
    } catch (error) {
      const message = (error as Error).message;
      if (/^reply longer than/.test(message)) {
        this.destroy(new ProtocolError(`${this.endpoint}: ${message} (maxReplyLength)`, { cause: error }));
      } else {
        this.destroy(this.greeting !== undefined ? this.notHAProxy(message) : error);
      }
      return;
    }
    for (const reply of replies) this.deliver(reply.text);
  }

  private deliver(text: string): void {
    const head = this.inflight[this.head];
    if (!head) {
      this.destroy(
        new ProtocolError('HAProxy sent a reply nobody asked for', { excerpt: text.slice(0, 200) }),
      );
      return;
    }
    this.shift();
    if (head.discard) return;
    const reply = head.payload ? stripPayloadPrompts(text) : text;
    head.resolve({ text: reply, parts: [reply] });
  }

  /** Drop the first waiting request (O(1); the array is compacted now and then). */
  private shift(): void {
    (this.inflight as Array<Inflight | undefined>)[this.head++] = undefined;
    if (this.head === this.inflight.length) {
      this.inflight = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.inflight.length) {
      this.inflight = this.inflight.slice(this.head);
      this.head = 0;
    }
  }

  private onEnd(): void {
    const hadWork = this.inflight.length > this.head;
    let finals: ReturnType<ResponseFramer['end']> = [];
    let truncated: unknown;
    try {
      finals = this.framer.end();
    } catch (error) {
      truncated = error;
    }
    for (const reply of finals) this.deliver(reply.text);
    if (!this.dead) this.onPeerClose();
    this.fail(
      new SocketTransportError(
        truncated
          ? 'HAProxy closed the connection in the middle of a reply'
          : hadWork
            ? 'HAProxy closed the connection before replying'
            : 'connection closed by HAProxy',
        this.endpoint,
        { cause: truncated },
      ),
    );
  }

  /**
   * Send one request; resolves with its framed reply. `resend` takes over when the connection
   * breaks before the request was written (nothing reached HAProxy).
   */
  send(
    request: TransportRequest,
    line: string,
    resend?: () => Promise<TransportReply>,
  ): Promise<TransportReply> {
    return new Promise<TransportReply>((resolve, reject) => {
      const signal = request.signal;
      // No AbortController or timer per request: they cost more than the request itself when
      // thousands are pipelined. Deadlines share one timer per connection; a caller's own signal
      // gets a listener only when there is one.
      const onAbort = signal
        ? () => {
            entry.discard = true;
            entry.reject(abortReason(signal));
          }
        : undefined;
      const entry: Inflight = {
        written: false,
        deadline: request.deadline ?? Number.POSITIVE_INFINITY,
        request,
        onSent: request.onSent,
        payload: request.payload !== undefined,
        discard: false,
        resend,
        resolve: onAbort
          ? (reply) => {
              signal!.removeEventListener('abort', onAbort);
              resolve(reply);
            }
          : resolve,
        reject: onAbort
          ? (error) => {
              signal!.removeEventListener('abort', onAbort);
              reject(error);
            }
          : reject,
      };
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      if (this.dead) {
        if (resend) resend().then(resolve, reject);
        else reject(new UnsentError(this.endpoint, this.closedError));
        return;
      }
      if (entry.deadline <= performance.now()) {
        reject(timeoutError(request, this.endpoint, false));
        return;
      }
      if (onAbort) signal!.addEventListener('abort', onAbort, { once: true });
      if (this.inflight.length === this.head) this.ordered = true;
      else if (entry.deadline < this.inflight[this.inflight.length - 1]!.deadline) this.ordered = false;
      this.inflight.push(entry);
      this.armDeadline(entry.deadline);
      this.write(encode(request, line), entry);
    });
  }

  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineAt = Number.POSITIVE_INFINITY;
  /** True while deadlines never decrease along the queue. */
  private ordered = true;

  private armDeadline(deadline: number): void {
    if (deadline >= this.deadlineAt || deadline === Number.POSITIVE_INFINITY) return;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineAt = deadline;
    this.deadlineTimer = setTimeout(
      () => this.checkDeadlines(),
      Math.max(0, deadline - performance.now()) + 1,
    );
    this.deadlineTimer.unref?.();
  }

  /**
   * A reply past its deadline means a stall: that request times out and the connection is
   * discarded (never reused with half a reply pending); the requests queued behind it fail too.
   */
  private checkDeadlines(): void {
    this.deadlineTimer = undefined;
    this.deadlineAt = Number.POSITIVE_INFINITY;
    if (this.dead) return;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    // Usually every request has the same budget, so deadlines grow along the queue and the first
    // waiting request has the earliest: then only the start of the queue needs looking at.
    for (let index = this.head; index < this.inflight.length; index++) {
      const entry = this.inflight[index]!;
      if (entry.discard) continue;
      if (entry.deadline <= now) {
        const error = timeoutError(entry.request, this.endpoint, entry.written);
        entry.discard = true;
        entry.reject(error);
        this.destroy(
          new SocketTransportError('connection discarded: a reply stalled past its deadline', this.endpoint, {
            cause: error,
          }),
        );
        return;
      }
      if (entry.deadline < next) next = entry.deadline;
      if (this.ordered) break;
    }
    // Deadlines of pipelined requests are dense: check again no sooner than 10 ms from now, so a
    // busy connection is scanned at most every 10 ms (a timeout may fire up to 10 ms late).
    if (next !== Number.POSITIVE_INFINITY) this.armDeadline(Math.max(next, now + 10));
  }

  private write(text: string, entry?: Inflight): void {
    this.pendingWrite.push(text);
    if (entry) this.pendingEntries.push(entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One write per event-loop turn: thousands of pipelined commands go out in a few syscalls.
    setImmediate(() => {
      this.flushScheduled = false;
      const data = this.pendingWrite.join('');
      const entries = this.pendingEntries;
      this.pendingWrite = [];
      this.pendingEntries = [];
      if (this.dead || data.length === 0) return;
      this.socket.write(data);
      for (const entry of entries) {
        entry.written = true;
        entry.onSent?.();
      }
    });
  }

  private fail(error: Error): void {
    if (!this.dead) this.dead = true;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.closedError ??= error;
    // A peer that is not HAProxy, or speaks garbage, fails everything as is; otherwise requests
    // never written are safe to send again on a new connection (see `persistent`).
    const broken = error instanceof SocketApplicationError || error instanceof ProtocolError;
    const pending = this.inflight.slice(this.head);
    this.inflight = [];
    this.head = 0;
    for (const entry of pending) {
      if (entry.discard) continue;
      if (entry.written || broken) entry.reject(error);
      else if (entry.resend) entry.resend().then(entry.resolve, entry.reject);
      else entry.reject(new UnsentError(this.endpoint, error));
    }
  }

  /** Tear the connection down; every request in flight rejects with `error`. */
  destroy(error: unknown): void {
    const reason = error instanceof Error ? error : new SocketTransportError(String(error), this.endpoint);
    this.fail(reason);
    this.socket.destroy();
  }

  /** Close politely (no request in flight is left waiting). */
  close(error: Error): void {
    this.fail(error);
    this.socket.destroy();
  }
}

/** Race a promise against an abort signal (rejecting with its reason). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // settled later, and nobody else listens any more
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A transport that also routes through a master CLI (`@!<pid>`); see {@link streamTransport}. */
export interface StreamTransport extends Transport {
  /** Send `request` prefixed for each of its commands with `prefix` (e.g. `@!1234`). */
  sendRouted(prefix: string, request: TransportRequest): Promise<TransportReply>;
}

/**
 * A {@link Transport} over any byte stream: one persistent prompt-mode connection per transport,
 * pipelined, reconnected when HAProxy closed it; chained and session-changing lines go over a
 * dedicated one-shot connection. The base of {@link unixTransport} and {@link tcpTransport}.
 *
 * @example // a TLS tunnel in front of a stats socket
 * streamTransport({
 *   endpoint: 'tls://lb1.example:9443',
 *   connect: (signal) => new Promise((resolve, reject) => {
 *     const socket = tls.connect({ host: 'lb1.example', port: 9443, signal }, () => resolve(socket));
 *     socket.once('error', reject);
 *   }),
 * });
 */
export function streamTransport(options: StreamTransportOptions): StreamTransport {
  const endpoint = options.endpoint;
  const kind = options.kind ?? 'stats';
  const maxReplyLength = options.maxReplyLength ?? DEFAULT_MAX_REPLY_LENGTH;
  if (!(Number.isSafeInteger(maxReplyLength) && maxReplyLength > 0)) {
    throw new InvalidArgumentError('maxReplyLength must be a positive integer', {
      argument: 'maxReplyLength',
      value: maxReplyLength,
    });
  }
  let closed = false;
  let established = 0;
  let current: CliConnection | undefined;
  let connecting:
    | { promise: Promise<CliConnection>; controller: AbortController; waiters: number }
    | undefined;
  const oneShots = new Set<Duplex>();

  const open = async (signal: AbortSignal): Promise<Duplex> => {
    let stream: Duplex;
    try {
      stream = await options.connect(signal);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (HAProxyError.isInstance(error)) throw error;
      throw toSocketError(error, endpoint, 'connect');
    }
    if (signal.aborted) {
      stream.destroy();
      throw abortReason(signal);
    }
    return stream;
  };

  const establish = async (signal: AbortSignal): Promise<CliConnection> => {
    const stream = await open(signal);
    const connection = new CliConnection(
      stream,
      endpoint,
      kind,
      () => {
        if (current === connection) current = undefined;
        options.onPeerClose?.();
      },
      maxReplyLength,
    );
    const onAbort = () => connection.destroy(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await connection.ready;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return connection;
  };

  const acquire = async (request: TransportRequest): Promise<CliConnection> => {
    if (closed) throw new ClientClosedError();
    if (current && !current.dead) return current;
    if (!connecting) {
      const controller = new AbortController();
      const attempt = {
        controller,
        waiters: 0,
        promise: establish(controller.signal).then(
          (connection) => {
            if (connecting === attempt) connecting = undefined;
            if (closed) {
              connection.close(new ClientClosedError());
              throw new ClientClosedError();
            }
            current = connection;
            options.onConnect?.(established++);
            return connection;
          },
          (error) => {
            if (connecting === attempt) connecting = undefined;
            throw error;
          },
        ),
      };
      attempt.promise.catch(() => {});
      connecting = attempt;
    }
    const attempt = connecting;
    attempt.waiters++;
    const { signal, dispose } = requestSignal(request, endpoint, false);
    try {
      return await raceAbort(attempt.promise, signal);
    } finally {
      dispose();
      attempt.waiters--;
      // Nobody waits any more (all aborted or timed out): stop connecting.
      if (attempt.waiters === 0 && connecting === attempt && signal.aborted) {
        attempt.controller.abort(abortReason(signal));
      }
    }
  };

  const persistentSlow = async (
    request: TransportRequest,
    line: string,
    attempt: number,
  ): Promise<TransportReply> => {
    const connection = await acquire(request);
    // A request that never reached the socket (HAProxy closed the idle connection first) moves to
    // a new connection transparently, twice at most; anything written on a connection that then
    // broke is reported, never re-sent here (the retry interceptor decides, idempotent only).
    return connection.send(
      request,
      line,
      attempt < 2 ? () => persistentSlow(request, line, attempt + 1) : undefined,
    );
  };

  /** The common case (connected) adds no promise layer. */
  const persistent = (request: TransportRequest, line: string): Promise<TransportReply> => {
    const connection = current;
    if (!connection || connection.dead || closed) return persistentSlow(request, line, 0);
    return connection.send(request, line, () => persistentSlow(request, line, 1));
  };

  const oneShot = async (request: TransportRequest, lines: string[]): Promise<TransportReply> => {
    if (closed) throw new ClientClosedError();
    const { signal, dispose } = requestSignal(request, endpoint);
    let stream: Duplex;
    try {
      stream = await open(signal);
    } catch (error) {
      dispose();
      throw error;
    }
    oneShots.add(stream);
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const chunks: string[] = [];
        let received = 0;
        let failure: SocketError | ProtocolError | undefined;
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          received += chunk.length;
          if (received > maxReplyLength) {
            failure ??= new ProtocolError(
              `${endpoint}: reply longer than ${maxReplyLength} characters (maxReplyLength)`,
              { command: lines[0] ?? request.line },
            );
            stream.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (error) => {
          failure ??= toSocketError(error, endpoint, 'io');
        });
        stream.on('close', () => (failure ? reject(failure) : resolve(chunks.join(''))));
        const onAbort = () => {
          reject(abortReason(signal));
          stream.destroy();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        // A stats socket gets severity prefixes too; its reply (`\n`) is removed below.
        const prefix = kind === 'stats' ? 'set severity-output number;' : '';
        const last = lines.length - 1;
        const body = lines.map((line, index) => (index === last ? encode(request, line) : `${line}\n`));
        stream.end(prefix + body.join(''));
        request.onSent?.();
      });
      const count = lines.reduce((sum, line) => sum + splitCommandLine(line).length, 0);
      const body = kind === 'stats' && text.startsWith('\n') ? text.slice(1) : text;
      if (kind === 'stats' && !text.startsWith('\n')) {
        throw new ProtocolError('one-shot reply does not start like an HAProxy stats socket reply', {
          command: request.line,
          excerpt: text.slice(0, 200),
        });
      }
      const parts = splitOneShotReplies(
        request.payload !== undefined ? stripPayloadPrompts(body) : body,
        count,
      );
      return { text: parts.join(''), parts };
    } finally {
      dispose();
      oneShots.delete(stream);
      stream.destroy();
    }
  };

  const send = (request: TransportRequest): Promise<TransportReply> => {
    try {
      validate(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (closed) return Promise.reject(new ClientClosedError());
    if (request.oneshot || needsOneShot(request.line)) return oneShot(request, [request.line]);
    return persistent(request, request.line);
  };

  const sendRouted = async (prefix: string, request: TransportRequest): Promise<TransportReply> => {
    validate(request);
    if (closed) throw new ClientClosedError();
    const commands = splitCommandLine(request.line);
    if (request.oneshot || commands.length > 1 || needsOneShot(request.line)) {
      // Each `;`-separated command needs its own routing prefix.
      return oneShot(request, [commands.map((command) => `${prefix} ${command.trim()}`).join('; ')]);
    }
    return persistent(request, `${prefix} ${request.line}`);
  };

  return {
    endpoint,
    send,
    sendRouted,
    async close() {
      if (closed) return;
      closed = true;
      connecting?.controller.abort(new ClientClosedError());
      current?.close(new ClientClosedError());
      current = undefined;
      for (const stream of oneShots) stream.destroy();
      oneShots.clear();
    },
  };
}

function connectSocket(socket: Socket, signal: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const onAbort = () => {
      socket.destroy();
      reject(abortReason(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    });
  });
}

export interface UnixTransportOptions {
  /** Largest reply accepted, in characters (default 256 Mi); see {@link StreamTransportOptions}. */
  maxReplyLength?: number | undefined;
  /** Path of the Unix socket. */
  path: string;
  /** `stats` (default) or `master`. */
  kind?: CliKind | undefined;
  onPeerClose?: (() => void) | undefined;
  onConnect?: ((previous: number) => void) | undefined;
}

/** A stats socket (or master CLI) on a Unix socket path. */
export function unixTransport(options: UnixTransportOptions): StreamTransport {
  return streamTransport({
    endpoint: formatEndpoint({ kind: 'unix', path: options.path }),
    kind: options.kind,
    onPeerClose: options.onPeerClose,
    onConnect: options.onConnect,
    maxReplyLength: options.maxReplyLength,
    connect: (signal) => connectSocket(createConnection({ path: options.path }), signal),
  });
}

export interface TcpTransportOptions {
  /** Largest reply accepted, in characters (default 256 Mi); see {@link StreamTransportOptions}. */
  maxReplyLength?: number | undefined;
  host: string;
  port: number;
  /** `stats` (default) or `master`. */
  kind?: CliKind | undefined;
  onPeerClose?: (() => void) | undefined;
  onConnect?: ((previous: number) => void) | undefined;
}

/** A stats socket (or master CLI) on TCP (`stats socket ipv4@127.0.0.1:9999`). */
export function tcpTransport(options: TcpTransportOptions): StreamTransport {
  return streamTransport({
    endpoint: formatEndpoint({ kind: 'tcp', host: options.host, port: options.port }),
    kind: options.kind,
    onPeerClose: options.onPeerClose,
    onConnect: options.onConnect,
    maxReplyLength: options.maxReplyLength,
    connect: (signal) => {
      const socket = createConnection({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      return connectSocket(socket, signal);
    },
  });
}
