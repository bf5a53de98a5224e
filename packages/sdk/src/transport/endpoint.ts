import { InvalidArgumentError } from '@haproxyadmin/protocol';

/** Where a CLI socket is: a Unix socket path or a TCP host and port. */
export type Endpoint =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/**
 * Parse an endpoint string: `unix:///path`, `unix@/path`, `/path` (or `./path`), `tcp://host:port`,
 * `ipv4@host:port`, `ipv6@[::1]:port`, `host:port`, `[::1]:port`.
 * @throws {InvalidArgumentError} for anything else.
 */
export function parseEndpoint(text: string): Endpoint {
  const value = text.trim();
  if (value.startsWith('unix://')) return unix(value.slice('unix://'.length), text);
  if (value.startsWith('unix@')) return unix(value.slice('unix@'.length), text);
  if (value.startsWith('/') || value.startsWith('./') || value.startsWith('../')) return unix(value, text);
  let rest = value;
  for (const prefix of ['tcp://', 'ipv4@', 'ipv6@']) {
    if (rest.startsWith(prefix)) rest = rest.slice(prefix.length);
  }
  const match = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([^:/\s[\]]+)):(\d{1,5})\/?$/.exec(rest);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw new InvalidArgumentError(
      `invalid endpoint ${JSON.stringify(text)}: expected unix:///path, /path, tcp://host:port, host:port or [ipv6]:port`,
      { argument: 'endpoint', value: text },
    );
  }
  return { kind: 'tcp', host: (match[1] ?? match[2])!, port };
}

function unix(path: string, original: string): Endpoint {
  if (path.length === 0 || path.includes('\0')) {
    throw new InvalidArgumentError(`invalid Unix socket path in ${JSON.stringify(original)}`, {
      argument: 'endpoint',
      value: original,
    });
  }
  return { kind: 'unix', path };
}

/** The canonical display form: `unix:///run/haproxy/admin.sock`, `tcp://127.0.0.1:9999`, `tcp://[::1]:9999`. */
export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return `unix://${endpoint.path}`;
  return endpoint.host.includes(':')
    ? `tcp://[${endpoint.host}]:${endpoint.port}`
    : `tcp://${endpoint.host}:${endpoint.port}`;
}
