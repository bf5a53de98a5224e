/** A misspelled key in the config file is named on stderr (with the closest known key), not ignored. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSources } from '../src/config.js';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hapctl-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('config file keys', () => {
  it('warns about an unknown key, naming the file and suggesting the closest known one', () => {
    const config = configFile({ sockeDir: '/run/haproxy', timeout: 1000 });
    const io = captureIo();
    expect(() => resolveSources({ config }, io)).toThrow(/no HAProxy to talk to/);
    expect(io.err()).toBe(
      `hapctl: warning: config file ${config}: unknown key "sockeDir" (did you mean "socketDir"?)\n`,
    );
  });

  it('no suggestion when nothing is close; known keys are silent', () => {
    const odd = configFile({ socketDir: '/run/haproxy', colour: 'always' });
    const io = captureIo();
    expect(resolveSources({ config: odd }, io).socketDir).toBe('/run/haproxy');
    expect(io.err()).toBe(`hapctl: warning: config file ${odd}: unknown key "colour"\n`);
    const good = configFile({ socketDir: '/a', socket: '/b', endpoints: [], master: '/m', timeout: 5 });
    const quiet = captureIo();
    resolveSources({ config: good }, quiet);
    expect(quiet.err()).toBe('');
  });

  it('hapctl with ~/.config/hapctl/config.json: the warning comes before the usage error (exit 2)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hapctl-home-'));
    mkdirSync(join(home, '.config', 'hapctl'), { recursive: true });
    const path = join(home, '.config', 'hapctl', 'config.json');
    writeFileSync(path, JSON.stringify({ sockeDir: '/run/haproxy' }));
    const io = { ...captureIo(), home };
    expect(await run(['servers'], io)).toBe(2);
    const lines = io.err().trimEnd().split('\n');
    expect(lines[0]).toBe(
      `hapctl: warning: config file ${path}: unknown key "sockeDir" (did you mean "socketDir"?)`,
    );
    expect(lines[1]).toMatch(/^hapctl: no HAProxy to talk to/);
  });

  it('warns once per run, also for reload (which checks the sources before connecting)', async () => {
    const config = configFile({ sockeDir: '/run/haproxy', master: '/nonexistent/master.sock', timeout: 200 });
    const io = captureIo();
    expect(await run(['reload', '--config', config], io)).toBe(5);
    expect(io.err().match(/unknown key "sockeDir"/g)).toHaveLength(1);
  });
});
