import { ProtocolError } from './errors.js';

/** `show ssl cert` without argument: certificate files, and those with an uncommitted transaction. */
export interface SslCertList {
  /** Files with an ongoing `set ssl cert` transaction (printed with a `*` prefix, removed here). */
  readonly transactions: string[];
  /** Every certificate file HAProxy knows. */
  readonly files: string[];
}

/** `show ssl cert <file>`: one certificate's details. */
export interface SslCertInfo {
  readonly filename: string;
  /** `Used` / `Unused` (committed certificates), or `Uncommitted` for `*<file>`. */
  readonly status: string | undefined;
  readonly serial: string | undefined;
  readonly notBefore: string | undefined;
  readonly notAfter: string | undefined;
  /** DNS names from `Subject Alternative Name:` (`DNS:` prefixes removed). */
  readonly subjectAltNames: string[];
  readonly algorithm: string | undefined;
  readonly sha1Fingerprint: string | undefined;
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  /** Intermediate certificates (`Chain Subject:` / `Chain Issuer:` pairs). */
  readonly chain: Array<{ subject: string; issuer: string | undefined }>;
  /** Every `Name: value` line as printed (repeated names keep the last value). */
  readonly fields: Readonly<Record<string, string>>;
}

/** One line of a crt-list (`show ssl crt-list <list>`). */
export interface CrtListEntry {
  /** The certificate file. */
  readonly cert: string;
  /** The `[ssl options]` between brackets, as printed (without brackets), or undefined. */
  readonly options: string | undefined;
  /** SNI filters after the options. */
  readonly filters: string[];
  /** The line as printed. */
  readonly line: string;
}

function fail(command: string, text: string, what = 'unexpected reply'): never {
  throw new ProtocolError(`${command}: ${what}`, { command, excerpt: text.slice(0, 80) });
}

/**
 * Parse `show ssl cert` (the list): `# transaction` then `*<file>` lines, `# filename` then files.
 * @throws {ProtocolError} on another reply.
 */
export function parseSslCertList(text: string): SslCertList {
  const command = 'show ssl cert';
  const result: SslCertList = { transactions: [], files: [] };
  let section: 'transactions' | 'files' | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line === '# transaction') section = 'transactions';
    else if (line === '# filename') section = 'files';
    else if (!section || line.startsWith('#')) fail(command, line, 'unexpected line');
    else result[section].push(section === 'transactions' ? line.replace(/^\*/, '') : line);
  }
  return result;
}

/**
 * Parse `show ssl cert <file>`: `Name: value` lines (`Filename`, `Status`, `Serial`, `notBefore`, …).
 * @throws {ProtocolError} on another reply.
 */
export function parseSslCert(text: string): SslCertInfo {
  const command = 'show ssl cert';
  const fields: Record<string, string> = {};
  const chain: Array<{ subject: string; issuer: string | undefined }> = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) fail(command, line, 'unexpected line');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (name === 'Chain Subject') chain.push({ subject: value, issuer: undefined });
    else if (name === 'Chain Issuer' && chain.length > 0) chain[chain.length - 1]!.issuer = value;
    if (name !== '__proto__') fields[name] = value;
  }
  const filename = fields.Filename;
  if (filename === undefined) fail(command, text, 'no Filename line');
  const sans = fields['Subject Alternative Name'] ?? '';
  return {
    filename: filename.replace(/^\*/, ''),
    status: fields.Status,
    serial: fields.Serial,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    subjectAltNames: sans
      .split(',')
      .map((name) => name.trim().replace(/^DNS:/, ''))
      .filter((name) => name !== ''),
    algorithm: fields.Algorithm,
    sha1Fingerprint: fields['SHA1 FingerPrint'],
    subject: fields.Subject,
    issuer: fields.Issuer,
    chain,
    fields,
  };
}

/**
 * Parse `show ssl crt-list` (the crt-list files) or `show ssl crt-list <list>` (`# <list>` then one
 * certificate line each). Returns file names for the former, entries for the latter.
 * @throws {ProtocolError} on another reply.
 */
export function parseCrtList(text: string): {
  list: string | undefined;
  files: string[];
  entries: CrtListEntry[];
} {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.startsWith('# ') ? lines[0].slice(2) : undefined;
  if (header === undefined) {
    if (lines.some((line) => line.startsWith('#') || /\s/.test(line)))
      fail('show ssl crt-list', text, 'unexpected line');
    return { list: undefined, files: lines, entries: [] };
  }
  const entries = lines.slice(1).map((line): CrtListEntry => {
    const match = /^(\S+)(?: \[([^\]]*)\])?((?: \S+)*)\s*$/.exec(line);
    if (!match) fail('show ssl crt-list', line, 'unexpected line');
    return {
      cert: match[1]!,
      // 2.6 prints the ALPN list with its trailing NUL (`[alpn h2,http/1.1\0]`): drop it.
      options: match[2]?.replace(/\0/g, ''),
      filters: (match[3] ?? '').split(' ').filter((word) => word !== ''),
      line,
    };
  });
  return { list: header, files: [], entries };
}
