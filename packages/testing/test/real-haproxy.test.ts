import { describe, expect, it } from 'vitest';
import { startHAProxy, HAProxyStartError } from '../src/index.js';
import { describeWithHAProxy } from '../src/vitest.js';

describeWithHAProxy('startHAProxy', () => {
  it('starts a real HAProxy from config text and stops it', async () => {
    const haproxy = await startHAProxy({
      config: `global
    stats socket \${dir}/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:\${port:http}
    default_backend be
backend be
    server s1 127.0.0.1:\${port:s1} weight 7
`,
    });
    try {
      expect(await haproxy.send('show version')).toMatch(/^2\.\d+/);
      expect(await haproxy.send('get weight be/s1')).toBe('7 (initial 7)\n\n');
      expect(haproxy.ports.http).toBeGreaterThan(0);
    } finally {
      await haproxy.stop();
    }
    await expect(haproxy.send('show version')).rejects.toThrow();
  });

  it('reports a refused configuration with HAProxy output', async () => {
    const error = await startHAProxy({ config: 'global\n    nbproc 2\n' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HAProxyStartError);
    expect((error as HAProxyStartError).output).toMatch(/nbproc/);
  });
});

describe('startHAProxy without a binary', () => {
  it('says clearly that haproxy is missing', async () => {
    await expect(startHAProxy({ config: '', binary: '/nonexistent/haproxy' })).rejects.toThrow(
      /No haproxy binary found/,
    );
  });
});
