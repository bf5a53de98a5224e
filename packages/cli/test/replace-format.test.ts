/**
 * `acl|map replace ID FILE --format lines|json`: JSON is read as JSON only when asked (or for a
 * `.json` file); JSON given as lines (stdin, a `.txt` file) is refused before anything is sent
 * rather than loaded as one garbage entry.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { readAclFile, readMapFile } from '../src/commands/patterns.js';
import { DEMO_CONFIG, DEMO_FILES } from '../src/demo-config.js';
import { run } from '../src/index.js';
import { type Capture, captureIo } from './helpers.js';

/** An in-process terminal whose stdin is `text`. */
function piped(text: string): Capture {
  const io = captureIo();
  io.stdin = {
    on: () => {},
    off: () => {},
    async *[Symbol.asyncIterator]() {
      yield Buffer.from(text);
    },
  };
  return io;
}

describe('acl/map replace --format', () => {
  const cluster = setupFakeCluster({ processes: 2, config: DEMO_CONFIG, files: DEMO_FILES });
  const source = () => ['--socket-dir', cluster.current.socketDir];
  const acl = () => `${cluster.current.socketDir}/blocked.acl`;
  const map = () => `${cluster.current.socketDir}/hosts.map`;
  const replaceCalls = () =>
    cluster.current.processes.flatMap((fake) =>
      fake.calls.filter((call) => /^(prepare|add|commit) (acl|map)/.test(call.line)),
    );

  async function aclValues(): Promise<string[]> {
    const io = captureIo();
    expect(await run(['acl', 'show', acl(), '--json', ...source()], io), io.err()).toBe(0);
    return (JSON.parse(io.out()) as Array<{ value: string }>).map((entry) => entry.value);
  }

  async function mapEntries(): Promise<Array<[string, string]>> {
    const io = captureIo();
    expect(await run(['map', 'show', map(), '--json', ...source()], io), io.err()).toBe(0);
    return (JSON.parse(io.out()) as Array<{ key: string; value: string }>).map((e) => [e.key, e.value]);
  }

  it('acl replace: JSON on stdin without --format is refused (exit 2, nothing sent)', async () => {
    const io = piped('["/a","/b"]\n');
    expect(await run(['acl', 'replace', acl(), '-', ...source()], io)).toBe(2);
    expect(io.err()).toMatch(/looks like JSON.*--format json.*--format lines/);
    expect(io.out()).toBe('');
    expect(replaceCalls()).toEqual([]);
    expect(await aclValues()).toEqual(['/admin', '/.git', '/wp-login.php']);
  });

  it('acl replace: --format json reads the JSON array from stdin', async () => {
    const io = piped('  ["/a", "/b c"]\n');
    expect(await run(['acl', 'replace', acl(), '-', '--format', 'json', ...source()], io), io.err()).toBe(0);
    expect(io.out()).toContain('replaced with 2 patterns');
    expect(await aclValues()).toEqual(['/a', '/b c']);
  });

  it('acl replace: --format lines takes JSON-looking text literally', async () => {
    const io = piped('["/a","/b"]\n');
    expect(await run(['acl', 'replace', acl(), '-', '--format', 'lines', ...source()], io), io.err()).toBe(0);
    expect(await aclValues()).toEqual(['["/a","/b"]']);
  });

  it('acl replace: patterns that merely start with [ are lines', async () => {
    const io = piped('[a-z]+\n[0-9]{3}\n');
    expect(await run(['acl', 'replace', acl(), '-', ...source()], io), io.err()).toBe(0);
    expect(await aclValues()).toEqual(['[a-z]+', '[0-9]{3}']);
  });

  it('acl replace: a .json file is still JSON; a JSON file named .txt is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapctl-format-'));
    writeFileSync(join(dir, 'p.json'), '["/x", "/y"]');
    writeFileSync(join(dir, 'p.txt'), '["/x", "/y"]');
    const json = captureIo();
    expect(await run(['acl', 'replace', acl(), join(dir, 'p.json'), ...source()], json), json.err()).toBe(0);
    expect(await aclValues()).toEqual(['/x', '/y']);
    const txt = captureIo();
    expect(await run(['acl', 'replace', acl(), join(dir, 'p.txt'), ...source()], txt)).toBe(2);
    expect(txt.err()).toContain('p.txt');
    expect(txt.err()).toContain('--format json');
  });

  it('map replace: JSON object or pairs on stdin refused without --format, read with --format json', async () => {
    for (const text of ['{"a.example.com": "be_a"}', '[["a.example.com", "be_a"]]']) {
      const refused = piped(text);
      expect(await run(['map', 'replace', map(), '-', ...source()], refused)).toBe(2);
      expect(refused.err()).toMatch(/looks like JSON/);
    }
    expect(replaceCalls()).toEqual([]);
    const io = piped('{"a.example.com": "be_a", "b.example.com": "be b;1"}');
    expect(await run(['map', 'replace', map(), '-', '--format', 'json', ...source()], io), io.err()).toBe(0);
    expect(await mapEntries()).toEqual([
      ['a.example.com', 'be_a'],
      ['b.example.com', 'be b;1'],
    ]);
  });

  it('a bad --format, and --format on other commands, are usage errors', async () => {
    const bad = piped('/a\n');
    expect(await run(['acl', 'replace', acl(), '-', '--format', 'yaml', ...source()], bad)).toBe(2);
    expect(bad.err()).toContain('--format must be lines or json');
    const other = captureIo();
    expect(await run(['acl', 'show', acl(), '--format', 'json', ...source()], other)).toBe(2);
  });

  it('readAclFile / readMapFile take the format explicitly', () => {
    const text = '["/a"]';
    expect(readAclFile('-', text, 'json')).toEqual(['/a']);
    expect(readAclFile('-', text, 'lines')).toEqual(['["/a"]']);
    expect(() => readAclFile('-', text)).toThrow(/looks like JSON/);
    expect(readAclFile('-', '[1, 2]\n')).toEqual(['[1, 2]']); // not the expected shape: a regex
    expect(readMapFile('-', '[["k", "v"]]', 'json')).toEqual([['k', 'v']]);
    expect(() => readMapFile('-', '{"k": "v"}')).toThrow(/looks like JSON/);
    expect(() => readAclFile('-', '["/a"', 'json')).toThrow(/not valid JSON/);
  });
});
