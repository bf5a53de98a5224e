/**
 * The transport layer: how one command line reaches one HAProxy CLI endpoint and how its reply
 * comes back. Plug your own (a TLS tunnel, an SSH channel) with {@link streamTransport}, or write a
 * {@link Transport} from scratch; wrap any transport with interceptors (`withInterceptors`).
 */

/** One command to send. */
export interface TransportRequest {
  /** One command line without the newline (built with `serializeCommand`). */
  readonly line: string;
  /** Payload lines sent after ` <<`; the transport appends the terminating empty line. */
  readonly payload?: string | undefined;
  /** Abort the request; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Total time budget in ms, read by the `timeout()` interceptor (which sets `deadline`). */
  readonly timeout?: number | undefined;
  /**
   * `performance.now()` time by which the whole reply must have arrived (set by `timeout()`).
   * A transport rejects with `SocketTimeoutError` when it passes, and discards a connection that
   * still has a reply in flight. Transports of your own must honour it.
   */
  readonly deadline?: number | undefined;
  /** True when sending twice is harmless (reads, absolute sets); read by the `retry()` interceptor. */
  readonly idempotent?: boolean | undefined;
  /**
   * Use a dedicated connection in HAProxy's default one-shot mode (write, half-close, read until
   * close) instead of the shared prompt-mode connection. Transports choose it themselves for
   * chained (`a; b`) lines and session-changing commands (`prompt`, `quit`, `operator`, …).
   */
  readonly oneshot?: boolean | undefined;
  /** Called when the first byte of the request was handed to the socket (it may have reached HAProxy). */
  readonly onSent?: (() => void) | undefined;
}

/** One framed reply: the raw text HAProxy sent for the request, prompt and payload prompts removed. */
export interface TransportReply {
  /** Raw reply, still with any severity prefix and final empty line (see `classifyReply`). */
  readonly text: string;
  /** How many commands the reply covers (`a; b` → 2), each separated as HAProxy framed them. */
  readonly parts: readonly string[];
}

/** Send one request and resolve with its framed reply. */
export type Send = (request: TransportRequest) => Promise<TransportReply>;

/** A connection (or a pool of them) to one HAProxy CLI endpoint. */
export interface Transport {
  /** Where it goes, as shown in errors: `unix:///run/haproxy/admin.sock`, `tcp://10.0.0.1:9999`. */
  readonly endpoint: string;
  /**
   * Send one command line (+ optional payload) and receive its framed reply. Connects on first use
   * and reconnects transparently after HAProxy closed an idle connection.
   * Rejects with `Socket*Error`s, `ProtocolError`, or `signal.reason`.
   */
  send: Send;
  /** Close every connection; pending requests reject. Idempotent. */
  close(): Promise<void>;
}

/** undici-style interceptor: wraps `send` (logging, timeouts, retries, metrics, …). */
export type TransportInterceptor = (next: Send, context: { readonly endpoint: string }) => Send;
