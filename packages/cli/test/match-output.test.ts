/** `acl get` / `map get` text output: nested results (HAProxy's match methods) read as text, never `[object Object]`. */
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { formatMatchValue } from '../src/commands/patterns.js';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('acl get / map get text output', () => {
  const cluster = setupFakeCluster({ processes: 2, config: DEMO_CONFIG, files: DEMO_FILES });
  const source = () => ['--socket-dir', cluster.current.socketDir];

  it('acl get and map get print every field readably', async () => {
    for (const argv of [
      ['acl', 'get', `${cluster.current.socketDir}/blocked.acl`, '/admin/x'],
      ['map', 'get', `${cluster.current.socketDir}/hosts.map`, 'api.example.com'],
    ]) {
      const io = captureIo();
      expect(await run([...argv, ...source()], io), io.err()).toBe(0);
      expect(io.out()).not.toContain('[object Object]');
      expect(io.out()).toMatch(/^type: "(beg|str)"$/m);
      expect(io.out()).toMatch(/^methods:\n {2}- .*type: "(beg|str)"/m);
    }
  });

  it('formatMatchValue flattens objects and arrays', () => {
    expect(formatMatchValue('a b')).toBe('"a b"');
    expect(formatMatchValue(true)).toBe('true');
    expect(formatMatchValue(null)).toBe('null');
    expect(formatMatchValue(['x', 1])).toBe('"x", 1');
    expect(formatMatchValue({ type: 'str', case: { sensitive: true } })).toBe(
      'type: "str", case: {sensitive: true}',
    );
  });
});
