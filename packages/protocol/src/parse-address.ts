import { InvalidArgumentError } from './errors.js';

/**
 * An address as HAProxy prints or accepts it, by family:
 * - `ipv4` / `ipv6`: an IP literal (`host` without brackets) and maybe a port;
 * - `hostname`: a DNS name (`localhost`, `api.example.com`) and maybe a port;
 * - `unix`: a Unix socket `path`; no `path` for the bare `unix` that `show stat` prints in `addr`;
 * - `abns`: a Linux abstract-namespace socket name (`path`);
 * - `fd` / `sockpair`: an inherited file descriptor.
 */
export type ParsedAddress =
  | { readonly family: 'ipv4' | 'ipv6' | 'hostname'; readonly host: string; readonly port?: number }
  | { readonly family: 'unix'; readonly path?: string }
  | { readonly family: 'abns'; readonly path: string }
  | { readonly family: 'fd' | 'sockpair'; readonly fd: number };

/** The families of {@link ParsedAddress}. */
export type AddressFamily = ParsedAddress['family'];

const fail = (address: string, why: string): never => {
  throw new InvalidArgumentError(`invalid address ${JSON.stringify(address)}: ${why}`, {
    argument: 'address',
    value: address,
  });
};

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** True for a dotted-quad IPv4 literal (no leading zeros). */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => OCTET.test(part));
}

const GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** True for an IPv6 literal without brackets (`::1`, `2001:db8::7`, `::ffff:1.2.3.4`, `fe80::1%eth0`). */
export function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  let address = text;
  if (percent !== -1) {
    if (!/^[A-Za-z0-9_.-]+$/.test(text.slice(percent + 1))) return false;
    address = text.slice(0, percent);
  }
  if (!address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const all = halves.flatMap(groups);
  let count = 0;
  for (let index = 0; index < all.length; index++) {
    const group = all[index]!;
    if (index === all.length - 1 && group.includes('.')) {
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (GROUP.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function port(address: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(address, `bad port "${text}"`);
  return Number(text);
}

/** `host[:port]` with an IPv4 literal, a bracketed or bare IPv6 literal, or a hostname. */
function hostPort(address: string, text: string, only?: 'ipv4' | 'ipv6'): ParsedAddress {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return fail(address, 'missing "]"');
    const host = text.slice(1, close);
    if (!isIPv6(host) || only === 'ipv4') return fail(address, 'not an IPv6 literal inside brackets');
    const rest = text.slice(close + 1);
    if (rest === '') return { family: 'ipv6', host };
    if (!rest.startsWith(':')) return fail(address, 'unexpected text after "]"');
    return { family: 'ipv6', host, port: port(address, rest.slice(1)) };
  }
  // Two colons or more without brackets: a bare IPv6 literal, which has no port.
  if (text.indexOf(':') !== text.lastIndexOf(':')) {
    if (!isIPv6(text) || only === 'ipv4') return fail(address, 'not an IPv6 literal (write [addr]:port)');
    return { family: 'ipv6', host: text };
  }
  const colon = text.indexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  const parsedPort = colon === -1 ? undefined : port(address, text.slice(colon + 1));
  let family: 'ipv4' | 'hostname';
  if (isIPv4(host)) family = 'ipv4';
  else if (HOSTNAME.test(host) && !/^[\d.]+$/.test(host)) family = 'hostname';
  else return fail(address, 'not an IPv4 address or a hostname');
  if (only === 'ipv6' && family === 'ipv4') return fail(address, 'an IPv4 literal after ipv6@');
  return parsedPort === undefined ? { family, host } : { family, host, port: parsedPort };
}

function descriptor(address: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) fail(address, `bad file descriptor "${text}"`);
  return Number(text);
}

/**
 * Parse an address as HAProxy writes it (`show stat` `addr`, `show servers state`, `set server addr`,
 * `bind`/`server` lines): `1.2.3.4:80`, `[2001:db8::1]:443`, bare `::1`, `localhost:8080`,
 * `unix@/run/x.sock` or `/run/x.sock`, the bare `unix` of `show stat`, `abns@name`, `ipv4@…`, `ipv6@…`,
 * `fd@3`, `sockpair@4`.
 *
 * A bare IPv6 literal has no port (HAProxy prints `[::1]:80` when there is one).
 *
 * @throws {InvalidArgumentError} for anything else (empty text, spaces, bad port, unknown prefix…).
 * @example parseAddress('[::1]:8080') // { family: 'ipv6', host: '::1', port: 8080 }
 */
export function parseAddress(address: string): ParsedAddress {
  if (typeof address !== 'string' || address === '') return fail(String(address), 'empty');
  if (/[\s\0]/.test(address)) return fail(address, 'contains whitespace or NUL');
  if (address === 'unix') return { family: 'unix' };
  if (address.startsWith('/')) return { family: 'unix', path: address };
  const at = address.indexOf('@');
  if (at !== -1 && /^[a-z0-9]+$/.test(address.slice(0, at))) {
    const prefix = address.slice(0, at);
    const rest = address.slice(at + 1);
    switch (prefix) {
      case 'unix':
        return rest === '' ? fail(address, 'empty socket path') : { family: 'unix', path: rest };
      case 'abns':
        return rest === '' ? fail(address, 'empty socket name') : { family: 'abns', path: rest };
      case 'fd':
        return { family: 'fd', fd: descriptor(address, rest) };
      case 'sockpair':
        return { family: 'sockpair', fd: descriptor(address, rest) };
      case 'ipv4':
      case 'ipv6':
        return hostPort(address, rest, prefix);
      default:
        return fail(address, `unsupported prefix "${prefix}@"`);
    }
  }
  return hostPort(address, address);
}

/**
 * Write a {@link ParsedAddress} back as HAProxy accepts it: `1.2.3.4:80`, `[::1]:80` (bare `::1`
 * without a port), `host:port`, `unix@/path` (or `unix` without a path), `abns@name`, `fd@3`.
 * `parseAddress(formatAddress(address))` gives `address` back.
 */
export function formatAddress(address: ParsedAddress): string {
  switch (address.family) {
    case 'ipv4':
    case 'hostname':
      return address.port === undefined ? address.host : `${address.host}:${address.port}`;
    case 'ipv6':
      return address.port === undefined ? address.host : `[${address.host}]:${address.port}`;
    case 'unix':
      return address.path === undefined ? 'unix' : `unix@${address.path}`;
    case 'abns':
      return `abns@${address.path}`;
    case 'fd':
    case 'sockpair':
      return `${address.family}@${address.fd}`;
  }
}
