/**
 * httpStatsTransport against an HTTP stats page served by msw from real HAProxy 2.6.12 captures
 * (`;csv` and the HTML page of the same process).
 */
import { readFileSync } from 'node:fs';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HAProxy,
  httpStatsTransport,
  InvalidArgumentError,
  SocketConnectionError,
  SocketPermissionError,
  SocketTimeoutError,
  UnsupportedError,
} from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const CSV = fixture('stats-page-2.6.12.csv');
const HTML = fixture('stats-page-2.6.12.html');
const URL_BASE = 'http://lb1.test:8404/stats';

const requests: Array<{ url: string; authorization: string | null }> = [];
const server = setupServer(
  http.get(/^http:\/\/lb1\.test:8404\/stats/, ({ request }) => {
    requests.push({ url: request.url, authorization: request.headers.get('authorization') });
    if (request.headers.get('authorization') !== `Basic ${btoa('admin:s3cret')}`) {
      return new HttpResponse('401 Unauthorized', { status: 401 });
    }
    const url = new URL(request.url);
    if (url.pathname === '/stats;csv') return HttpResponse.text(CSV);
    if (url.pathname === '/stats;norefresh') return HttpResponse.html(HTML);
    if (url.pathname === '/stats;typed') return HttpResponse.text('F.2.0.0.pxname.1:KNS:str:fe\n');
    return new HttpResponse('not found', { status: 404 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

const auth = { username: 'admin', password: 's3cret' };

describe('httpStatsTransport (msw)', () => {
  it('show stat is the page CSV; show info comes from the HTML page; the client reads through it', async () => {
    const transport = httpStatsTransport({ url: URL_BASE, auth });
    const stat = await transport.send({ line: 'show stat' });
    expect(stat.text).toBe(`${CSV}\n`);
    const info = await transport.send({ line: 'show info' });
    expect(info.text).toMatch(/^Name: HAProxy\nVersion: 2\.6\.12-1\+deb12u4\nRelease_date: 2026\/10\/17\n/);
    expect(info.text).toMatch(/\nPid: \d+\n/);
    expect(info.text).toMatch(/\nUptime_sec: \d+\n/);
    expect(info.text).toMatch(/\nMaxconn: 9985\n/);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(['/stats;csv', '/stats;norefresh']);
    expect(requests.every((r) => r.authorization === `Basic ${btoa('admin:s3cret')}`)).toBe(true);

    const hap = await HAProxy.connect({ transports: [transport] });
    try {
      expect(await hap.version()).toBe('2.6.12-1+deb12u4');
      expect((await hap.backends()).map((backend) => backend.name)).toEqual(['be', 'stats']);
      const [s1] = await hap.server('s1', { backend: 'be' });
      expect(await s1!.status()).toBe('no check');
      expect(await s1!.weight()).toBe(1);
      // Writes are refused by the transport: nothing is sent.
      const before = requests.length;
      await expect(s1!.setWeight(5)).rejects.toBeInstanceOf(UnsupportedError);
      await expect(hap.setMaxConn(10)).rejects.toThrow(/not supported over the HTTP stats page/);
      await expect(hap.reload()).rejects.toBeInstanceOf(UnsupportedError);
      expect(requests.length).toBe(before);
    } finally {
      await hap.close();
    }
  });

  it('show stat <proxy> <type> <sid> filters the rows; typed output uses ;typed', async () => {
    const transport = httpStatsTransport({ url: URL_BASE, auth });
    const text = (await transport.send({ line: 'show stat be -1 -1' })).text;
    expect(
      text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(',')[1]),
    ).toEqual(['s1', 'BACKEND']);
    const servers = (await transport.send({ line: 'show stat -1 4 -1' })).text;
    expect(
      servers
        .split('\n')
        .filter((line) => /^[^#]/.test(line))
        .map((line) => line.split(',')[1]),
    ).toEqual(['s1']);
    expect((await transport.send({ line: 'show stat typed' })).text).toBe('F.2.0.0.pxname.1:KNS:str:fe\n\n');
  });

  it('HTTP failures are socket errors naming the page; bad URLs are refused', async () => {
    await expect(httpStatsTransport({ url: URL_BASE }).send({ line: 'show stat' })).rejects.toBeInstanceOf(
      SocketPermissionError,
    );
    server.use(http.get(/^http:\/\/lb1\.test:8404\/stats/, () => HttpResponse.error()));
    await expect(
      httpStatsTransport({ url: URL_BASE, auth }).send({ line: 'show stat' }),
    ).rejects.toBeInstanceOf(SocketConnectionError);
    server.use(
      http.get(/^http:\/\/lb1\.test:8404\/stats/, async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return HttpResponse.text(CSV);
      }),
    );
    await expect(
      httpStatsTransport({ url: URL_BASE, auth }).send({
        line: 'show stat',
        deadline: performance.now() + 50,
      }),
    ).rejects.toBeInstanceOf(SocketTimeoutError);
    expect(() => httpStatsTransport({ url: 'ftp://x/stats' })).toThrow(InvalidArgumentError);
    expect(() => httpStatsTransport({ url: 'not a url' })).toThrow(InvalidArgumentError);
    await expect(
      httpStatsTransport({ url: URL_BASE, auth }).send({ line: 'show table' }),
    ).rejects.toBeInstanceOf(UnsupportedError);
    await expect(
      httpStatsTransport({ url: URL_BASE, auth }).send({ line: 'show stat; show info' }),
    ).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('an aborted signal rejects with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      httpStatsTransport({ url: URL_BASE, auth }).send({ line: 'show stat', signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});
