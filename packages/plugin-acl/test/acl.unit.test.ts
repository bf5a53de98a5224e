/**
 * The ACL plugin against an in-test executor answering with replies captured from HAProxy 2.6.12
 * (transcripts 21-acl, 22-map): no HAProxy needed.
 */
import { HAProxy } from '@haproxyadmin/sdk';
import {
  AggregateProcessError,
  CommandFailedError,
  type Executor,
  InconsistentDataError,
  InvalidArgumentError,
  PatternKindError,
  ProtocolError,
  type ProcessOutcome,
  type ProcessRef,
  type RunOptions,
} from '@haproxyadmin/sdk/plugin';
import { describe, expect, test } from 'vitest';
import { aclPlugin } from '../src/index.js';

const SHOW_ACL =
  "# id (file) description\n0 ($LAB/hap1/blocked.acl) pattern loaded from file '$LAB/hap1/blocked.acl' used by acl at file '$LAB/hap1/haproxy.cfg' line 18. curr_ver=0 next_ver=0 entry_cnt=2\n1 () acl 'path_beg' file '$LAB/hap1/haproxy.cfg' line 18. curr_ver=0 next_ver=0 entry_cnt=0\n2 ($LAB/hap1/ips.acl) pattern loaded from file '$LAB/hap1/ips.acl' used by acl at file '$LAB/hap1/haproxy.cfg' line 19. curr_ver=0 next_ver=0 entry_cnt=2\n7 (123) pattern loaded from file '123' used by acl at file 'haproxy.cfg' line 20. curr_ver=0 next_ver=0 entry_cnt=0\n";
const SHOW_MAP =
  "# id (file) description\n6 ($LAB/hap1/routes.map) pattern loaded from file '$LAB/hap1/routes.map' used by map at file '$LAB/hap1/haproxy.cfg' line 21. curr_ver=0 next_ver=0 entry_cnt=3\n";

function capturedExecutor(reply: (line: string, process: ProcessRef) => string | Error) {
  const processes: ProcessRef[] = [1, 2].map((pid) => ({
    key: `p${pid}`,
    endpoint: `unix:///p${pid}.sock`,
    pid,
    role: 'standalone',
    current: true,
  }));
  const calls: Array<{ line: string; pid: number | undefined; options: RunOptions }> = [];
  const executor: Executor = {
    processes: async () => processes,
    async run(line, options = {}) {
      const targets = Array.isArray(options.targets) ? options.targets : processes;
      return targets.map((process): ProcessOutcome<string> => {
        calls.push({ line, pid: process.pid, options });
        if (line === 'show acl') return { process, ok: true, value: SHOW_ACL };
        if (line === 'show map') return { process, ok: true, value: SHOW_MAP };
        const value = reply(line, process);
        return value instanceof Error ? { process, ok: false, error: value } : { process, ok: true, value };
      });
    },
    close: async () => {},
  };
  return { executor, calls };
}

describe('ACL plugin (captured replies)', () => {
  test('get parses the match result; an error text is never data', async () => {
    const { executor } = capturedExecutor((line) =>
      line === 'get acl #0 /foo/baz'
        ? 'type=beg, case=sensitive, match=yes, idx=tree, pattern="/foo"\n'
        : line === 'get acl #1 /x/y'
          ? 'type=beg, case=sensitive, match=yes, idx=tree, pattern="/x"\ntype=end, case=sensitive, match=no\n'
          : line === 'get acl #0 /nomatch'
            ? 'type=beg, case=sensitive, match=no\n'
            : 'Unknown ACL identifier. Please use #<id> or <file>.\n',
    );
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    const found = { match: true, type: 'beg', caseSensitive: true, index: 'tree', pattern: '/foo' };
    await expect(hap.acl.get(0, '/foo/baz')).resolves.toEqual({ ...found, methods: [found] });
    const missed = { match: false, type: 'beg', caseSensitive: true };
    await expect(hap.acl.get(0, '/nomatch')).resolves.toEqual({ ...missed, methods: [missed] });
    // Captured from a file used by `path_beg` and `path_end` ACLs: one line per method.
    await expect(hap.acl.get(1, '/x/y')).resolves.toMatchObject({
      match: true,
      pattern: '/x',
      methods: [
        { type: 'beg', match: true },
        { type: 'end', match: false },
      ],
    });
    await expect(hap.acl.get(2, '/x')).rejects.toBeInstanceOf(ProtocolError);
    await expect(hap.acl.get(6, '/x')).rejects.toBeInstanceOf(PatternKindError);
  });

  test('processes that disagree are reported, not averaged', async () => {
    const { executor } = capturedExecutor((_line, process) =>
      process.pid === 1
        ? 'type=ip, case=sensitive, match=no\n'
        : 'type=ip, case=sensitive, match=yes, idx=tree, pattern="10.0.0.0/8"\n',
    );
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    const error = await hap.acl.get(2, '10.1.1.1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InconsistentDataError);
  });

  test('a write failing on one process rejects with both outcomes', async () => {
    const { executor } = capturedExecutor((line, process) =>
      process.pid === 2
        ? new CommandFailedError(line, "'not-an-ip' is not a valid IPv4 or IPv6 address.")
        : '',
    );
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    const error = await hap.acl.add(2, 'not-an-ip').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect((error as AggregateProcessError).outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
  });

  test('replace: one refused pattern on one process commits nowhere and clears the staged version', async () => {
    const { executor, calls } = capturedExecutor((line, process) => {
      if (line.startsWith('prepare acl')) return 'New version created: 3\n';
      if (process.pid === 2 && line.endsWith(' bad'))
        return new CommandFailedError(line, "'bad' is not valid.");
      return '';
    });
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    const error = await hap.acl
      .replace(2, ['10.0.0.1', 'bad', '10.0.0.2'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect(calls.some((call) => call.line.startsWith('commit'))).toBe(false);
    // Both prepared versions are cleared: the complete one and the partial one.
    expect(calls.filter((call) => call.line === 'clear acl @3 #2').map((call) => call.pid)).toEqual([1, 2]);
    const outcomes = (error as AggregateProcessError).outcomes;
    expect(outcomes[0]).toMatchObject({ ok: true, value: { version: 3, committed: false, cleared: true } });
  });

  test('a file named 123 stays a file; the number 123 is an id', async () => {
    const { executor, calls } = capturedExecutor(() => '');
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    await hap.acl.add('123', '/x');
    await hap.acl.add(7, '/y');
    await expect(hap.acl.add(123, '/z')).rejects.toMatchObject({ kind: 'acl', lookup: '#123' });
    expect(calls.map((call) => call.line).filter((line) => line.startsWith('add'))).toEqual([
      'add acl 123 /x',
      'add acl 123 /x',
      'add acl #7 /y',
      'add acl #7 /y',
    ]);
  });

  test('bad input is refused before anything is sent', async () => {
    const { executor, calls } = capturedExecutor(() => '');
    const hap = await HAProxy.connect({ executor, plugins: [aclPlugin()] });
    await expect(hap.acl.add(0, '/x\n')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.acl.add(-1, '/x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.acl.add(1.5, '/x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.acl.add('@1', '/x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.acl.replace(0, ['/ok', ''])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hap.acl.del(0, { ref: 'not-a-ref' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(calls).toEqual([]);
  });
});
