import { ProtocolError } from './errors.js';

/** One captured protocol error of `show errors`. */
export interface CapturedError {
  /** When the error happened, as printed (`25/Nov/2026:12:32:55.532`). */
  readonly date: string;
  /** `request` (captured on a frontend) or `response` (captured on a backend). */
  readonly direction: 'request' | 'response';
  /** The proxy that captured it: a frontend for requests, a backend for responses. */
  readonly proxy: string;
  readonly proxyId: number;
  /** The other side: the backend of a request error, the frontend of a response error (`undefined` for `<NONE>`). */
  readonly peer: string | undefined;
  readonly peerId: number;
  readonly server: string | undefined;
  readonly serverId: number;
  /** HAProxy's event number. */
  readonly event: number;
  /** Client address (`127.0.0.1:35084`). */
  readonly source: string;
  /** `len N`: bytes captured. */
  readonly length: number | undefined;
  /** `error at position N`: offset of the first invalid byte in the capture. */
  readonly errorPosition: number | undefined;
  /** `N free`: free space in the buffer. */
  readonly bufferFree: number | undefined;
  /** `wraps at N`. */
  readonly wrapsAt: number | undefined;
  /** The other header lines (H1 connection/stream flags, message state…), trimmed. */
  readonly details: readonly string[];
  /** The hex/ASCII dump lines (`00000  GET / HTTP/1.1\r\n`), trimmed of their indentation. */
  readonly dump: readonly string[];
}

/** The reply of `show errors`. */
export interface ErrorsReport {
  /** When the report was produced. */
  readonly capturedAt: string;
  /** `Total events captured` over every proxy (not only the listed ones). */
  readonly total: number;
  readonly errors: CapturedError[];
}

const TOTAL = /^Total events captured on \[([^\]]+)\] : (\d+)$/;
const EVENT = /^\[([^\]]+)\] (frontend|backend) (.+) \(#(-?\d+)\): invalid (request|response)$/;
const PEER = /^ {2}(?:frontend|backend) (.+) \(#(-?\d+)\), server (.+) \(#(-?\d+)\), event #(\d+), src (.+)$/;
const none = (name: string) => (name === '<NONE>' ? undefined : name);

/**
 * Parse `show errors [<proxy>] [request|response]`: the `Total events captured` line, then one block
 * per captured error (header, buffer information, flags, and the dump of the offending bytes).
 *
 * @throws {ProtocolError} on another reply (e.g. `Permission denied`, `No such proxy.`).
 */
export function parseErrors(text: string): ErrorsReport {
  const command = 'show errors';
  const lines = text.split('\n');
  let index = 0;
  while (lines[index] === '') index++;
  const total = TOTAL.exec(lines[index] ?? '');
  if (!total)
    throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: text.slice(0, 80) });
  index++;
  const errors: CapturedError[] = [];
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === '') {
      index++;
      continue;
    }
    const event = EVENT.exec(line);
    const peer = PEER.exec(lines[index + 1] ?? '');
    if (!event || !peer)
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    index += 2;
    const details: string[] = [];
    const dump: string[] = [];
    // Header lines up to an empty ("  ") line, then the dump up to the " " separator or the end.
    while (index < lines.length && lines[index]!.trim() !== '') details.push(lines[index++]!.trim());
    if (index < lines.length && lines[index] === '  ') {
      index++;
      while (index < lines.length && /^ {2}\d{5}/.test(lines[index]!)) dump.push(lines[index++]!.slice(2));
    }
    const info = details.join(' ');
    const number = (pattern: RegExp) => {
      const match = pattern.exec(info);
      return match ? Number(match[1]) : undefined;
    };
    errors.push({
      date: event[1]!,
      direction: event[5] as 'request' | 'response',
      proxy: event[3]!,
      proxyId: Number(event[4]),
      peer: none(peer[1]!),
      peerId: Number(peer[2]),
      server: none(peer[3]!),
      serverId: Number(peer[4]),
      event: Number(peer[5]),
      source: peer[6]!,
      length: number(/\blen (\d+)/),
      errorPosition: number(/error at position (\d+)/),
      bufferFree: number(/(\d+) free/),
      wrapsAt: number(/wraps at (\d+)/),
      details: details.filter((detail) => !/^(buffer starts at|len \d+)/.test(detail)),
      dump,
    });
  }
  return { capturedAt: total[1]!, total: Number(total[2]), errors };
}
