/**
 * TLS certificates at run time (`hap.ssl`): list and inspect certificates and crt-lists, replace a
 * certificate through a transaction (`set ssl cert` + `commit` / `abort`), read OCSP responses.
 * Every command HAProxy does not know (a build without OpenSSL, or a version before the command)
 * rejects with `UnsupportedError('not supported by this HAProxy: …')`.
 */
import {
  type CrtListEntry,
  parseCrtList,
  parseSslCert,
  parseSslCertList,
  type SslCertInfo,
  type SslCertList,
  serializeCommand,
} from '@haproxyadmin/protocol';
import type { CallOptions, Executor, ProcessRef } from '../core/types.js';
import { CommandFailedError, HAProxyError, InvalidArgumentError, UnsupportedError } from '../errors.js';
import { asNotFound, callOptions, type PerProcess, runParsed } from './run.js';

/** `show ssl cert` across processes. */
export interface SslCerts extends SslCertList {
  readonly perProcess: ReadonlyArray<PerProcess<SslCertList>>;
}

/** `show ssl cert <file>`: the first process's details, and each process's. */
export interface SslCertDetails extends SslCertInfo {
  readonly perProcess: ReadonlyArray<PerProcess<SslCertInfo>>;
}

/** Rethrow `Unknown command…` as UnsupportedError. */
function unsupported(error: unknown, command: string): never {
  const response = HAProxyError.isInstance(error)
    ? (error as HAProxyError & { response?: unknown }).response
    : undefined;
  const failures =
    HAProxyError.isInstance(error) && error.code === 'HAPROXY_ERR_PARTIAL'
      ? (error as unknown as { failed: Array<{ error: Error }> }).failed.map((entry) => entry.error)
      : [];
  const unknown = (text: unknown) => typeof text === 'string' && /^Unknown command\b/.test(text);
  if (
    unknown(response) ||
    (failures.length > 0 &&
      failures.every((failure) => unknown((failure as { response?: unknown }).response)))
  ) {
    throw new UnsupportedError(`not supported by this HAProxy: ${command}`, { cause: error });
  }
  throw error;
}

function certName(value: unknown, argument = 'name'): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n\0]/.test(value) || value.startsWith('*')) {
    throw new InvalidArgumentError(
      `${argument} must be a certificate file name as HAProxy knows it (show ssl cert), got ${JSON.stringify(value)}`,
      {
        argument,
        value,
      },
    );
  }
  return value;
}

/** PEM text with CR and empty lines removed (an empty line would end the payload). */
export function normalizePem(pem: unknown): string {
  if (typeof pem !== 'string' || !/-----BEGIN [A-Z0-9 ]+-----/.test(pem) || pem.includes('\0')) {
    throw new InvalidArgumentError('pem must be PEM text (-----BEGIN …-----)', {
      argument: 'pem',
      value: pem,
    });
  }
  return pem
    .replace(/\r/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
}

async function run<T>(
  executor: Executor,
  line: string,
  command: string,
  parse: (text: string) => T,
  options: CallOptions | undefined,
  extra: { payload?: string; idempotent?: boolean } = {},
): Promise<PerProcess<T>[]> {
  try {
    return await runParsed(executor, line, parse, { ...callOptions(options), ...extra });
  } catch (error) {
    return unsupported(error, command);
  }
}

/** The `hap.ssl` namespace. */
export class SslApi {
  readonly #executor: Executor;

  /** @internal */
  constructor(executor: Executor) {
    this.#executor = executor;
  }

  /** `show ssl cert`: every certificate file (union over the current processes) and open transactions. */
  async certs(options?: CallOptions): Promise<SslCerts> {
    const dumps = await run(this.#executor, 'show ssl cert', 'show ssl cert', parseSslCertList, options);
    const union = (pick: (list: SslCertList) => string[]) => [
      ...new Set(dumps.flatMap(({ value }) => pick(value))),
    ];
    return {
      files: union((list) => list.files),
      transactions: union((list) => list.transactions),
      perProcess: dumps,
    };
  }

  /**
   * `show ssl cert <file>` (or the uncommitted version with `{ transaction: true }`, `*<file>`).
   * @throws {NotFoundError} when HAProxy does not know the file.
   */
  async showCert(name: string, options?: CallOptions & { transaction?: boolean }): Promise<SslCertDetails> {
    const file = certName(name);
    const line = serializeCommand('show ssl cert', options?.transaction ? `*${file}` : file);
    const dumps = await run(this.#executor, line, 'show ssl cert', parseSslCert, options).catch(
      (error: unknown) => asNotFound(error, /^Can't display the certificate/, 'certificate', file),
    );
    return { ...dumps[0]!.value, perProcess: dumps };
  }

  /**
   * `set ssl cert <file> <<` + the PEM (certificate, key, chain; empty lines removed): opens or
   * updates a transaction on every current process. Nothing changes until {@link commitCert}.
   */
  async setCert(name: string, pem: string, options?: CallOptions): Promise<void> {
    const file = certName(name);
    const payload = normalizePem(pem);
    const line = serializeCommand('set ssl cert', file);
    await run(this.#executor, line, 'set ssl cert', () => undefined, options, { payload, idempotent: true });
  }

  /**
   * `commit ssl cert <file>`: apply the transaction on every current process.
   * @throws {CommandFailedError} when HAProxy answers `Failed!` (or there is no transaction).
   */
  async commitCert(name: string, options?: CallOptions): Promise<void> {
    const file = certName(name);
    const line = serializeCommand('commit ssl cert', file);
    await run(
      this.#executor,
      line,
      'commit ssl cert',
      (text) => {
        if (!/\nSuccess!\s*$/.test(`\n${text}`)) throw new CommandFailedError(line, text);
      },
      options,
    );
  }

  /** `abort ssl cert <file>`: drop the transaction on every current process. */
  async abortCert(name: string, options?: CallOptions): Promise<void> {
    const file = certName(name);
    await run(
      this.#executor,
      serializeCommand('abort ssl cert', file),
      'abort ssl cert',
      () => undefined,
      options,
      {
        idempotent: true,
      },
    );
  }

  /** `show ssl crt-list`: the crt-list files (union over the current processes). */
  async crtLists(options?: CallOptions): Promise<string[]> {
    const dumps = await run(this.#executor, 'show ssl crt-list', 'show ssl crt-list', parseCrtList, options);
    return [...new Set(dumps.flatMap(({ value }) => value.files))];
  }

  /** `show ssl crt-list <list>`: its certificate lines (from the first current process). */
  async crtList(list: string, options?: CallOptions): Promise<CrtListEntry[]> {
    const file = certName(list, 'list');
    const line = serializeCommand('show ssl crt-list', file);
    const dumps = await run(this.#executor, line, 'show ssl crt-list', parseCrtList, options);
    return dumps[0]!.value.entries;
  }

  /**
   * `show ssl ocsp-response [<cert>]`: the OCSP responses HAProxy holds, as text per process
   * (empty when none is loaded).
   */
  async ocspResponses(cert?: string, options?: CallOptions): Promise<Array<PerProcess<string>>> {
    const line =
      cert === undefined
        ? 'show ssl ocsp-response'
        : serializeCommand('show ssl ocsp-response', certName(cert, 'cert'));
    return run(this.#executor, line, 'show ssl ocsp-response', (text) => text, options);
  }

  /** `update ssl ocsp-response <cert>` (HAProxy 2.8+): fetch a fresh OCSP response now. */
  async updateOcspResponse(cert: string, options?: CallOptions): Promise<void> {
    const line = serializeCommand('update ssl ocsp-response', certName(cert, 'cert'));
    await run(this.#executor, line, 'update ssl ocsp-response', () => undefined, options, {
      idempotent: true,
    });
  }
}

export type { ProcessRef };
