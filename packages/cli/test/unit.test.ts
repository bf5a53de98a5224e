import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseDuration } from '../src/args.js';
import { resolveSources } from '../src/config.js';
import { ExitCode, exitCodeFor, oneLine, UsageError } from '../src/errors.js';
import { run } from '../src/index.js';
import { stripAnsi } from '../src/io.js';
import { parsePatternId, readMapFile } from '../src/commands/patterns.js';
import { parseWeight } from '../src/commands/server.js';
import { renderTable, truncate } from '../src/table.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandFailedError,
  InvalidArgumentError,
  NotFoundError,
  AggregateProcessError,
  SocketConnectionError,
  SocketTimeoutError,
  InconsistentDataError,
  DrainInterruptedError,
  DrainTimeoutError,
  PreconditionFailedError,
  ReloadFailedError,
  UnsupportedError,
} from '@haproxyadmin/sdk';
import { parseTableData, parseTableFilter } from '../src/commands/runtime.js';
import { captureIo } from './helpers.js';

describe('table renderer', () => {
  const columns = [
    {
      header: 'NAME',
      value: (row: { name: string; n: number }) => row.name,
      flexible: true,
      minWidth: 6,
      priority: 10,
    },
    {
      header: 'COUNT',
      value: (row: { name: string; n: number }) => String(row.n),
      align: 'right' as const,
      priority: 5,
    },
    { header: 'EXTRA', value: () => 'xxxxxxxxxxxx', priority: 1 },
  ];
  const rows = [
    { name: 'short', n: 1 },
    { name: 'a-very-long-backend-name-indeed', n: 12345 },
  ];

  it('aligns columns (numbers right) without a width limit', () => {
    const text = renderTable(columns, rows);
    expect(text.split('\n')).toEqual([
      'NAME                             COUNT  EXTRA',
      'short                                1  xxxxxxxxxxxx',
      'a-very-long-backend-name-indeed  12345  xxxxxxxxxxxx',
    ]);
  });

  it('truncates flexible columns with … to fit the width, then drops low-priority columns', () => {
    const fitted = renderTable(columns, rows, { width: 36 }).split('\n');
    for (const line of fitted) expect(line.length).toBeLessThanOrEqual(36);
    expect(fitted[2]).toContain('…');
    expect(fitted[0]).toContain('EXTRA');
    const narrow = renderTable(columns, rows, { width: 20 }).split('\n');
    expect(narrow[0]).not.toContain('EXTRA');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(20);
  });

  it('measures width without ANSI colour codes', () => {
    expect(truncate('\x1b[32mhello world\x1b[39m', 5)).toBe('hell…');
    expect(truncate('\x1b[32mhi\x1b[39m', 5)).toBe('\x1b[32mhi\x1b[39m');
  });
});

describe('argument parsing', () => {
  it('parses global and command options anywhere on the line', () => {
    const parsed = parseCommandLine([
      'servers',
      '--backend',
      'be',
      '--json',
      '--endpoint',
      'a',
      '--endpoint',
      'b',
    ]);
    expect(parsed.positionals).toEqual(['servers']);
    expect(parsed.options.backend).toBe('be');
    expect(parsed.options.endpoint).toEqual(['a', 'b']);
  });

  it('refuses unknown options as usage errors', () => {
    expect(() => parseCommandLine(['info', '--bogus'])).toThrow(UsageError);
  });

  it('parses durations: bare numbers in the given unit', () => {
    expect(parseDuration('2', 'x', 's')).toBe(2000);
    expect(parseDuration('500ms', 'x', 's')).toBe(500);
    expect(parseDuration('1500', 'x', 'ms')).toBe(1500);
    expect(parseDuration('1.5s', 'x', 'ms')).toBe(1500);
    expect(() => parseDuration('abc', 'x', 's')).toThrow(UsageError);
  });

  it('parses weights and pattern ids', () => {
    expect(parseWeight('50', 'c')).toBe(50);
    expect(parseWeight('50%', 'c')).toBe('50%');
    expect(() => parseWeight('abc', 'c')).toThrow(UsageError);
    expect(() => parseWeight('-1', 'c')).toThrow(UsageError);
    expect(parsePatternId('#3', 'c')).toBe(3);
    expect(parsePatternId('3', 'c')).toBe(3);
    expect(parsePatternId('file:123', 'c')).toBe('123');
    expect(parsePatternId('/etc/haproxy/hosts.map', 'c')).toBe('/etc/haproxy/hosts.map');
  });

  it('reads map files: first word is the key, the rest of the line the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapctl-'));
    writeFileSync(
      join(dir, 'm.map'),
      '# comment\n\na.example.com be_a\nb.example.com  value with spaces ; and semicolon\n',
    );
    expect(readMapFile(join(dir, 'm.map'))).toEqual([
      ['a.example.com', 'be_a'],
      ['b.example.com', 'value with spaces ; and semicolon'],
    ]);
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ 'key with space': 'v;1' }));
    expect(readMapFile(join(dir, 'm.json'))).toEqual([['key with space', 'v;1']]);
    writeFileSync(join(dir, 'bad.map'), 'onlykey\n');
    expect(() => readMapFile(join(dir, 'bad.map'))).toThrow(/bad.map:1/);
  });
});

describe('sources', () => {
  const io = (env: Record<string, string> = {}) => ({ ...captureIo({ env }), home: undefined });

  it('flags win over env, env over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapctl-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ socketDir: '/from/file', timeout: 1234 }));
    expect(resolveSources({ config }, io())).toMatchObject({ socketDir: '/from/file', timeout: 1234 });
    expect(
      resolveSources({ config }, io({ HAPCTL_ENDPOINTS: 'tcp://1.2.3.4:25001, /x.sock' })),
    ).toMatchObject({
      endpoints: ['tcp://1.2.3.4:25001', '/x.sock'],
      socketDir: undefined,
      timeout: 1234,
    });
    expect(
      resolveSources({ config, socket: '/flag.sock', timeout: '2s' }, io({ HAPCTL_SOCKET_DIR: '/env' })),
    ).toMatchObject({ socketFile: '/flag.sock', socketDir: undefined, timeout: 2000 });
  });

  it('reads ~/.config/hapctl/config.json from the home folder', () => {
    const home = mkdtempSync(join(tmpdir(), 'hapctl-home-'));
    mkdirSync(join(home, '.config', 'hapctl'), { recursive: true });
    writeFileSync(join(home, '.config', 'hapctl', 'config.json'), JSON.stringify({ master: '/m.sock' }));
    expect(resolveSources({}, { ...captureIo(), home })).toMatchObject({ master: '/m.sock' });
  });

  it('without any source: a usage error that says how to give one', () => {
    expect(() => resolveSources({}, io())).toThrow(/--socket-dir/);
    try {
      resolveSources({}, io());
    } catch (error) {
      expect(exitCodeFor(error)).toBe(ExitCode.usage);
    }
  });

  it('a broken config file is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapctl-'));
    writeFileSync(join(dir, 'c.json'), '{ nope');
    expect(() => resolveSources({ config: join(dir, 'c.json') }, io())).toThrow(/not valid JSON/);
  });
});

describe('exit codes and one-line errors', () => {
  const process = {
    key: 'unix:///a.sock',
    endpoint: 'unix:///a.sock',
    pid: 1,
    role: 'standalone' as const,
    current: true,
  };

  it('maps every typed error to its exit code', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new InvalidArgumentError('weight must be between 0 and 256'))).toBe(2);
    expect(exitCodeFor(new NotFoundError('server', 'be/x'))).toBe(3);
    expect(
      exitCodeFor(
        new AggregateProcessError('set weight be/s 1', [
          { process, ok: true, value: '' },
          { process, ok: false, error: new Error('boom') },
        ]),
      ),
    ).toBe(4);
    expect(exitCodeFor(new SocketConnectionError('refused', 'unix:///a.sock'))).toBe(5);
    expect(exitCodeFor(new SocketTimeoutError('slow', 'unix:///a.sock', 100))).toBe(5);
    expect(exitCodeFor(new CommandFailedError('set weight be/x 1', 'No such server.'))).toBe(6);
    expect(
      exitCodeFor(
        new CommandFailedError('show acl #99', 'Unknown ACL identifier. Please use #<id> or <file>.\n'),
      ),
    ).toBe(3);
    expect(exitCodeFor(new PreconditionFailedError('be/s exists', []))).toBe(6);
    // an interrupted drain exits with its cause's code
    const socketFault = new SocketConnectionError('refused', 'unix:///a.sock');
    expect(exitCodeFor(new DrainInterruptedError(['be/s'], 10, undefined, socketFault))).toBe(5);
    expect(
      exitCodeFor(
        new DrainInterruptedError(
          ['be/s'],
          10,
          undefined,
          new AggregateProcessError('show stat', [
            { process, ok: true, value: '' },
            { process, ok: false, error: socketFault },
          ]),
        ),
      ),
    ).toBe(4);
    expect(exitCodeFor(new DrainTimeoutError({ sessions: 2, perProcess: [], elapsedMs: 10 }))).toBe(6);
    expect(
      exitCodeFor(
        new ReloadFailedError('refused', {
          master: 'm',
          failedReloads: 1,
          reloads: 1,
          workers: [1],
          output: '',
        }),
      ),
    ).toBe(6);
    expect(exitCodeFor(new UnsupportedError('no master'))).toBe(6);
    expect(exitCodeFor(new InconsistentDataError('weight', []))).toBe(1);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });

  it('prints one line, no stack', () => {
    expect(oneLine(new CommandFailedError('set weight be/x 1', 'No such server.\n'))).toBe(
      'CommandFailedError: HAProxy rejected "set weight be/x 1": No such server.',
    );
  });
});

describe('run() in-process: usage and help', () => {
  it('--version', async () => {
    const io = captureIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^hapctl \d+\.\d+\.\d+/);
  });

  it('no arguments: help on stderr, exit 2; --help: stdout, exit 0', async () => {
    const io = captureIo();
    expect(await run([], io)).toBe(2);
    expect(io.err()).toContain('Usage: hapctl COMMAND');
    const help = captureIo();
    expect(await run(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Exit codes');
    expect(help.out()).toContain('server …');
  });

  it('help per subcommand and per group', async () => {
    const io = captureIo();
    expect(await run(['server', 'set-weight', '--help'], io)).toBe(0);
    expect(io.out()).toContain('hapctl server set-weight BACKEND/SERVER WEIGHT');
    const group = captureIo();
    expect(await run(['help', 'map'], group)).toBe(0);
    expect(group.out()).toContain('map replace');
  });

  it('every command has help with its usage and options', async () => {
    const { COMMANDS } = await import('../src/index.js');
    for (const command of COMMANDS) {
      const io = captureIo();
      expect(await run([...command.name.split(' '), '--help'], io)).toBe(0);
      expect(io.out()).toContain(`hapctl ${command.usage[0]}`);
      for (const option of command.options ?? []) expect(io.out()).toContain(`--${option}`);
    }
  });

  it('unknown command: one line with a suggestion, exit 2', async () => {
    const io = captureIo();
    expect(await run(['servres'], io)).toBe(2);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toContain('did you mean "servers"');
    const sub = captureIo();
    expect(await run(['server', 'set-wieght'], sub)).toBe(2);
    expect(sub.err()).toContain('did you mean "server set-weight"');
  });

  it('options a command does not take and wrong arity are usage errors', async () => {
    const io = captureIo();
    expect(await run(['info', '--backend', 'x', '--socket', '/x'], io)).toBe(2);
    expect(io.err()).toContain('--backend is not valid for "info"');
    const arity = captureIo();
    expect(await run(['server', 'set-weight', '--socket', '/x'], arity)).toBe(2);
  });

  it('bad weight is refused before connecting', async () => {
    const io = captureIo();
    expect(await run(['server', 'set-weight', 'be/s1', 'abc', '--socket', '/nonexistent.sock'], io)).toBe(2);
    expect(io.err()).toContain('weight must be an integer');
  });

  it('--json errors are also printed as JSON on stdout', async () => {
    const io = captureIo();
    expect(await run(['servres', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ error: { name: 'UsageError', exitCode: 2 } });
  });

  it('no source given: usage error, exit 2', async () => {
    const io = captureIo();
    expect(await run(['info'], io)).toBe(2);
    expect(stripAnsi(io.err())).toMatch(/^hapctl: no HAProxy to talk to/);
  });

  it('destructive actions without a terminal and without --yes are refused (exit 2)', async () => {
    for (const argv of [
      ['frontend', 'shutdown', 'fe'],
      ['server', 'shutdown', 'be/s1'],
      ['acl', 'clear', '#1'],
      ['map', 'del', '#1', 'key'],
    ]) {
      const io = captureIo();
      // The socket does not exist: the refusal comes first, before any connection is tried.
      expect(await run([...argv, '--socket', '/nonexistent.sock'], io)).toBe(2);
      expect(io.err()).toContain('without confirmation: pass --yes');
    }
  });
});

describe('stick-table arguments', () => {
  it('parses filters and data, refuses the rest as usage errors', () => {
    expect(parseTableFilter('data.gpc0 gt 1', 't')).toEqual({ data: 'gpc0', op: 'gt', value: 1 });
    expect(parseTableFilter('http_req_rate(10s) ge 5', 't')).toEqual({
      data: 'http_req_rate(10s)',
      op: 'ge',
      value: 5,
    });
    expect(parseTableFilter('gpc0 eq 18446744073709551615', 't').value).toBe(18446744073709551615n);
    expect(parseTableData('data.gpc0=3', 't')).toEqual(['gpc0', 3]);
    for (const bad of ['gpc0 > 1', 'data.gpc0 gt -1', 'gpc0 gt', '']) {
      expect(() => parseTableFilter(bad, 't')).toThrow(UsageError);
    }
    for (const bad of ['gpc0', 'data.gpc0=x', 'data.gpc0 1', '=1']) {
      expect(() => parseTableData(bad, 't')).toThrow(UsageError);
    }
    // the right shape with a bad value names the value, not the format
    expect(() => parseTableData('data.gpc0=-1', 't')).toThrow(
      'data.gpc0 must be a whole number >= 0, got "-1"',
    );
    expect(() => parseTableData('data.gpc0=abc', 't')).toThrow(
      'data.gpc0 must be a whole number >= 0, got "abc"',
    );
    expect(() => parseTableData('gpc0', 't')).toThrow('expected data.TYPE=VALUE');
  });
});
