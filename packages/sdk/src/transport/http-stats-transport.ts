/**
 * A read-only {@link Transport} over HAProxy's HTTP statistics page (`stats enable` + `stats uri`):
 * for hosts where only the stats page is reachable, not the stats socket.
 *
 * What it answers (everything else rejects with `UnsupportedError`, nothing is sent):
 * - `show stat [<proxy|iid> <type> <sid>]` → `GET <url>;csv` (the same CSV as the CLI; the proxy,
 *   type and server filters are applied to the rows here, since the page has no such parameters);
 * - `show stat typed` / `show stat json` → `;typed` / `;json`;
 * - `show info` → the "General process information" of the HTML page (`;norefresh`), as `show info`
 *   fields: `Name`, `Version`, `Release_date`, `Nbthread`, `Pid`, `Uptime`, `Uptime_sec`,
 *   `Ulimit-n`, `Maxsock`, `Maxconn`, `CurrConns` (the page shows no more);
 * - `show cli level` → `user` (the page is a read-only view).
 */
import { splitCommandLine } from '@haproxyadmin/protocol';
import {
  ClientClosedError,
  InvalidArgumentError,
  SocketApplicationError,
  SocketConnectionError,
  SocketPermissionError,
  SocketTimeoutError,
  UnsupportedError,
} from '../errors.js';
import type { Transport, TransportReply, TransportRequest } from './types.js';

/** Options of {@link httpStatsTransport}. */
export interface HttpStatsTransportOptions {
  /** The stats page (`http://lb1:8404/stats`), without `;csv`. */
  url: string | URL;
  /** HTTP basic authentication (`stats auth user:password`). */
  auth?: { username: string; password: string } | undefined;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The `fetch` to use (default: the global one); e.g. one with a custom TLS dispatcher. */
  fetch?: typeof fetch | undefined;
}

/** HTML page text → `show info` lines (the fields the page shows). */
function infoFromHtml(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ');
  const find = (pattern: RegExp) => pattern.exec(text)?.slice(1);
  const version = find(/HAProxy version (\S+), released (\S+)/);
  const pid = find(/pid = (\d+) \(process #\d+, nbproc = \d+, nbthread = (\d+)\)/);
  const uptime = find(/uptime = (\d+)d (\d+)h(\d+)m(\d+)s/);
  const ulimit = find(/ulimit-n = (\d+)/);
  const maxsock = find(/maxsock = (\d+)/);
  const maxconn = find(/maxconn = (\d+)/);
  const conns = find(/current conns = (\d+)/);
  if (!version || !pid) return '';
  const lines = ['Name: HAProxy', `Version: ${version[0]}`, `Release_date: ${version[1]}`];
  lines.push(`Nbthread: ${pid[1]}`, `Pid: ${pid[0]}`);
  if (uptime) {
    const [d, h, m, s] = uptime.map(Number) as [number, number, number, number];
    lines.push(
      `Uptime: ${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`,
      `Uptime_sec: ${((d * 24 + h) * 60 + m) * 60 + s}`,
    );
  }
  if (ulimit) lines.push(`Ulimit-n: ${ulimit[0]}`);
  if (maxsock) lines.push(`Maxsock: ${maxsock[0]}`);
  if (maxconn) lines.push(`Maxconn: ${maxconn[0]}`);
  if (conns) lines.push(`CurrConns: ${conns[0]}`);
  return `${lines.join('\n')}\n`;
}

/** Keep the CSV rows `show stat <proxy> <type> <sid>` would print. */
function filterCsv(csv: string, proxy: string, type: number, sid: number): string {
  const lines = csv.split('\n');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const column = (name: string) => header.indexOf(name);
  const [px, iid, sidColumn, typeColumn] = [column('pxname'), column('iid'), column('sid'), column('type')];
  const byId = /^-?\d+$/.test(proxy) ? Number(proxy) : undefined;
  const kept = lines.slice(1).filter((line) => {
    if (line === '') return false;
    const fields = line.split(',', typeColumn + 1);
    if (byId !== undefined ? byId !== -1 && Number(fields[iid]) !== byId : fields[px] !== proxy) return false;
    const rowType = Number(fields[typeColumn]);
    // type: 0 frontend, 1 backend, 2 server, 3 listener → -1 or a bitmask 1/2/4 (listeners: 8).
    if (type !== -1 && !(type & (1 << rowType))) return false;
    return sid === -1 || Number(fields[sidColumn]) === sid || rowType !== 2;
  });
  return `${[lines[0], ...kept].join('\n')}\n`;
}

/**
 * A read-only transport for HAProxy's HTTP stats page; give it to `HAProxy.connect({ transports })`.
 * Reads (`show stat`, `show info`) work; writes reject with `UnsupportedError`.
 *
 * @example
 * const hap = await HAProxy.connect({
 *   transports: [httpStatsTransport({ url: 'http://lb1:8404/stats', auth: { username: 'admin', password: 's3cret' } })],
 * });
 * console.log(await (await hap.backend('be_app')).requests());
 */
export function httpStatsTransport(options: HttpStatsTransportOptions): Transport {
  let base: URL;
  try {
    base = new URL(String(options.url));
  } catch (error) {
    throw new InvalidArgumentError(`url must be an http(s) URL, got ${JSON.stringify(String(options.url))}`, {
      argument: 'url',
      value: options.url,
      cause: error,
    });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new InvalidArgumentError(`url must be an http(s) URL, got ${JSON.stringify(base.href)}`, {
      argument: 'url',
      value: options.url,
    });
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const endpoint = base.href;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth) {
    const token = Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  let closed = false;
  const controllers = new Set<AbortController>();

  const get = async (suffix: string, request: TransportRequest): Promise<string> => {
    if (closed) throw new ClientClosedError();
    const controller = new AbortController();
    controllers.add(controller);
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const remaining = request.deadline === undefined ? undefined : request.deadline - performance.now();
    let timedOut = false;
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              controller.abort();
            },
            Math.max(0, remaining),
          );
    // `;csv` etc. are appended to the path, as HAProxy expects (`/stats;csv`).
    const url = new URL(base.href);
    url.pathname = `${url.pathname}${suffix}`;
    try {
      request.onSent?.();
      const response = await doFetch(url, { headers, signal: controller.signal, redirect: 'manual' });
      const body = await response.text();
      if (response.status === 401 || response.status === 403) {
        throw new SocketPermissionError(`HTTP ${response.status} from the stats page (check auth)`, endpoint);
      }
      if (!response.ok) {
        throw new SocketApplicationError(
          `HTTP ${response.status} from the stats page (is \`stats uri\` right?)`,
          endpoint,
        );
      }
      return body;
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timedOut) {
        throw new SocketTimeoutError(
          'no reply from the stats page in time',
          endpoint,
          Math.round(remaining ?? 0),
          {
            cause: error,
          },
        );
      }
      if (closed) throw new ClientClosedError();
      if (error instanceof Error && /^Socket/.test(error.name)) throw error;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new SocketConnectionError(
        `cannot reach the stats page: ${(error as Error).message}`,
        endpoint,
        code ? { cause: error, errno: code } : { cause: error },
      );
    } finally {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      controllers.delete(controller);
    }
  };

  const reply = (text: string): TransportReply => {
    const framed = `${text}\n`;
    return { text: framed, parts: [framed] };
  };

  const send = async (request: TransportRequest): Promise<TransportReply> => {
    if (request.signal?.aborted) throw request.signal.reason;
    const commands = splitCommandLine(request.line);
    const words = request.line.trim().split(/\s+/);
    const unsupported = () =>
      new UnsupportedError(
        `not supported over the HTTP stats page (read-only: show stat, show info): ${request.line}`,
      );
    if (commands.length !== 1 || request.payload !== undefined) throw unsupported();
    const line = words.join(' ');
    if (line === 'show cli level') return reply('user\n');
    if (line === 'show info') return reply(infoFromHtml(await get(';norefresh', request)));
    if (line === 'show stat typed') return reply(await get(';typed', request));
    if (line === 'show stat json') return reply(await get(';json', request));
    if (words[0] === 'show' && words[1] === 'stat') {
      const csv = await get(';csv', request);
      if (words.length === 2) return reply(csv);
      const [proxy, type, sid] = words.slice(2);
      if (words.length === 5 && /^-?\d+$/.test(type!) && /^-?\d+$/.test(sid!)) {
        return reply(filterCsv(csv, proxy!, Number(type), Number(sid)));
      }
    }
    throw unsupported();
  };

  return {
    endpoint,
    send,
    async close() {
      closed = true;
      for (const controller of controllers) controller.abort(new ClientClosedError());
      controllers.clear();
    },
  };
}
