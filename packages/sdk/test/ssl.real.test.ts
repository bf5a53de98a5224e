/**
 * `hap.ssl` on a real HAProxy 2.6.12 (OpenSSL build) with a self-signed certificate generated at test
 * time with `openssl`: list, inspect, replace through a transaction (set + commit / abort).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, NotFoundError, UnsupportedError } from '../src/index.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate + key as one PEM (what `crt` loads). */
function selfSigned(dir: string, name: string, cn: string): string {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(crt, 'utf8') + readFileSync(key, 'utf8');
}

const CONFIG = `
global
    stats socket \${dir}/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe_tls
    bind 127.0.0.1:\${port:tls} ssl crt-list \${dir}/list.txt
    http-request return status 200
`;

const describeTls = hasOpenssl() ? describeWithHAProxy : describe.skip;

describeTls('hap.ssl on a real HAProxy 2.6 (skipped without openssl)', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let scratch: string;
  let first: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'haproxyadmin-ssl-'));
    first = selfSigned(scratch, 'first', 'first.test');
    real = await startHAProxy({
      config: CONFIG,
      files: { 'cert.pem': first, 'list.txt': '${dir}/cert.pem [alpn h2,http/1.1] first.test\n' },
    });
    hap = await HAProxy.connect({ socketFile: `${real.dir}/admin.sock` });
  });
  afterAll(async () => {
    await hap?.close();
    await real?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lists and inspects certificates and crt-lists', async () => {
    const cert = `${real.dir}/cert.pem`;
    expect(await hap.ssl.certs()).toMatchObject({ files: [cert], transactions: [] });
    const details = await hap.ssl.showCert(cert);
    expect(details).toMatchObject({
      filename: cert,
      status: 'Used',
      subject: '/CN=first.test',
      algorithm: 'RSA2048',
    });
    expect(details.serial).toMatch(/^[0-9A-F]+$/);
    expect(details.sha1Fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(await hap.ssl.crtLists()).toEqual([`${real.dir}/list.txt`]);
    const [entry] = await hap.ssl.crtList(`${real.dir}/list.txt`);
    expect(entry).toMatchObject({ cert, options: 'alpn h2,http/1.1', filters: ['first.test'] });
    await expect(hap.ssl.showCert('/nope.pem')).rejects.toBeInstanceOf(NotFoundError);
    expect((await hap.ssl.ocspResponses())[0]!.value).toBe('');
  });

  it('replaces a certificate through a transaction: set (empty lines stripped), commit; abort drops one', async () => {
    const cert = `${real.dir}/cert.pem`;
    const before = await hap.ssl.showCert(cert);
    const second = selfSigned(scratch, 'second', 'second.test');
    // Empty lines (which would end the payload) are removed before sending.
    await hap.ssl.setCert(
      cert,
      second.replace('-----END CERTIFICATE-----\n', '-----END CERTIFICATE-----\n\n\n'),
    );
    expect((await hap.ssl.certs()).transactions).toEqual([cert]);
    expect((await hap.ssl.showCert(cert, { transaction: true })).subject).toBe('/CN=second.test');
    expect((await hap.ssl.showCert(cert)).subject).toBe('/CN=first.test');
    await hap.ssl.commitCert(cert);
    const after = await hap.ssl.showCert(cert);
    expect(after.subject).toBe('/CN=second.test');
    expect(after.serial).not.toBe(before.serial);
    expect((await hap.ssl.certs()).transactions).toEqual([]);

    await hap.ssl.setCert(cert, first);
    await hap.ssl.abortCert(cert);
    expect((await hap.ssl.showCert(cert)).subject).toBe('/CN=second.test');
    await expect(hap.ssl.commitCert(cert)).rejects.toThrow(/No ongoing transaction/);
    await expect(hap.ssl.setCert('/not/referenced.pem', first)).rejects.toThrow(
      /not referenced by the configuration/,
    );
  });

  it('commands this 2.6 lacks are UnsupportedError (update ssl ocsp-response is 2.8+)', async () => {
    await expect(hap.ssl.updateOcspResponse(`${real.dir}/cert.pem`)).rejects.toBeInstanceOf(UnsupportedError);
  });
});

describeTls('hap.ssl through a real 2.6 master CLI (payload routed with @!<pid>)', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let scratch: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'haproxyadmin-ssl-'));
    real = await startHAProxy({
      master: true,
      config: CONFIG,
      files: { 'cert.pem': selfSigned(scratch, 'm1', 'm1.test'), 'list.txt': '${dir}/cert.pem\n' },
    });
    hap = await HAProxy.connect({ master: real.masterSocket! });
  });
  afterAll(async () => {
    await hap?.close();
    await real?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('set + commit replaces the certificate; refusals are errors without severity prefixes', async () => {
    const cert = `${real.dir}/cert.pem`;
    await hap.ssl.setCert(cert, selfSigned(scratch, 'm2', 'm2.test'));
    await hap.ssl.commitCert(cert);
    expect((await hap.ssl.showCert(cert)).subject).toBe('/CN=m2.test');
    await expect(hap.ssl.commitCert(cert)).rejects.toThrow(/No ongoing transaction/);
    await expect(hap.ssl.showCert('/nope.pem')).rejects.toBeInstanceOf(NotFoundError);
  });
});
