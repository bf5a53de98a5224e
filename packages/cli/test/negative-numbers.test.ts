/** Arguments that look like negative numbers are positionals, so the command's own validation speaks. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/args.js';
import { run } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('negative numbers on the command line', () => {
  it('-1, -5%, -0.5 are positionals; option values may be negative too', () => {
    const parsed = parseCommandLine(['server', 'set-weight', 'be/s', '-1', '-5%', '-0.5', '--json']);
    expect(parsed.positionals).toEqual(['server', 'set-weight', 'be/s', '-1', '-5%', '-0.5']);
    expect(parsed.options.json).toBe(true);
    expect(parsed.present).toEqual(['json']);
    const weight = parseCommandLine(['server', 'add', 'be/s', '10.0.0.1', '--weight', '-3']);
    expect(weight.options.weight).toBe('-3');
    expect(weight.positionals).toEqual(['server', 'add', 'be/s', '10.0.0.1']);
    // real short options and unknown ones are unchanged
    expect(parseCommandLine(['servers', '-p']).options['per-process']).toBe(true);
    expect(() => parseCommandLine(['servers', '-x'])).toThrow(/Unknown option '-x'/);
    expect(() => parseCommandLine(['servers', '-1x'])).toThrow(/Unknown option/);
  });

  it('server set-weight B/S -1: the weight message, exit 2, before connecting', async () => {
    for (const value of ['-1', '-5%', '-0.5']) {
      const io = captureIo();
      // a socket that does not exist: a usage error must come first
      expect(
        await run(['server', 'set-weight', 'be_app/web1', value, '--socket', '/nonexistent/x.sock'], io),
      ).toBe(2);
      expect(io.err()).toContain('weight must be an integer 0-256');
      expect(io.err()).toContain(JSON.stringify(value));
      expect(io.err()).not.toContain('Unknown option');
    }
    const maxconn = captureIo();
    expect(await run(['set', 'maxconn', '-1', '--socket', '/nonexistent/x.sock'], maxconn)).toBe(2);
    expect(maxconn.err()).toContain('non-negative integer');
  });
});
