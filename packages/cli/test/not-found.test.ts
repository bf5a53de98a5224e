/**
 * Not-found errors the CLI finds itself (a name matching no server, frontend or backend) look like the
 * SDK's: `hapctl: NotFoundError: …`, `--json` with `code: HAPROXY_ERR_NOT_FOUND`, exit 3.
 */
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('the CLI’s own not-found errors', () => {
  const cluster = setupFakeCluster({ processes: 2, config: DEMO_CONFIG, files: DEMO_FILES });
  const source = () => ['--socket-dir', cluster.current.socketDir];

  it('servers/frontends/backends NAME and --backend B: NotFoundError, HAPROXY_ERR_NOT_FOUND, exit 3', async () => {
    for (const [argv, message] of [
      [['servers', 'nosuch'], 'server "nosuch" not found'],
      [['frontends', 'nosuch'], 'frontend "nosuch" not found'],
      [['backends', 'nosuch'], 'backend "nosuch" not found'],
      [['servers', '--backend', 'be_nope'], 'backend "be_nope" not found'],
    ] as const) {
      const io = captureIo();
      expect(await run([...argv, ...source()], io)).toBe(3);
      expect(io.err()).toBe(`hapctl: NotFoundError: ${message}\n`);
      const json = captureIo();
      expect(await run([...argv, '--json', ...source()], json)).toBe(3);
      expect(JSON.parse(json.out())).toMatchObject({
        error: { name: 'NotFoundError', code: 'HAPROXY_ERR_NOT_FOUND', message, exitCode: 3 },
      });
    }
  });

  it('the same shape as the SDK’s own NotFoundError (server set-weight on an unknown server)', async () => {
    const sdk = captureIo();
    expect(await run(['server', 'set-weight', 'be_nope/web1', '5', '--json', ...source()], sdk)).toBe(3);
    expect(sdk.err()).toMatch(/^hapctl: NotFoundError: /);
    const cli = captureIo();
    expect(await run(['servers', 'nosuch', '--json', ...source()], cli)).toBe(3);
    const keys = (text: string) => Object.keys((JSON.parse(text) as { error: object }).error).sort();
    expect(keys(cli.out())).toEqual(keys(sdk.out()));
  });
});
