/**
 * How a third-party plugin tests against the fake HAProxy of @haproxyadmin/testing: the built-in
 * handlers already speak `show/set/clear table`; `use()` prepends handlers of your own (a command the
 * fake lacks, a canned reply, a failure on one process), and `calls` records what was sent.
 */
import { HAProxy } from '@haproxyadmin/sdk';
import { AggregateProcessError } from '@haproxyadmin/sdk/plugin';
import { command, data, err } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';
import { stickTablePlugin } from '../src/index.js';

describe('stick-table plugin on the fake cluster (2 processes)', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config: `
global
  stats socket \${dir}/admin\${index}.sock level admin
backend st_users
  stick-table type string len 64 size 1k expire 10m store gpc0,http_req_cnt
`,
  });
  const connect = () =>
    HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [stickTablePlugin()] });

  test('the built-in handlers keep per-process state', async () => {
    const hap = await connect();
    try {
      await hap.stickTable.set('st_users', 'alice', { gpc0: 3 });
      await expect(hap.stickTable.list()).resolves.toEqual([
        { name: 'st_users', type: 'string', size: 1024, used: 2 },
      ]);
      const [first, second] = await hap.stickTable.show('st_users');
      expect(first?.ok && first.value[0]).toMatchObject({ key: 'alice', data: { gpc0: 3 } });
      expect(second?.ok && second.value[0]).toMatchObject({ key: 'alice', data: { gpc0: 3 } });
      for (const fake of cluster.current.processes) {
        expect(fake.calls.map((call) => call.line)).toContain('set table st_users key alice data.gpc0 3');
      }
    } finally {
      await hap.close();
    }
  });

  test('a handler of your own: a canned reply on one process, a failure on the other', async () => {
    const [one, two] = cluster.current.processes;
    one!.use(
      command('show table st_users', () =>
        data('# table: st_users, type: string, size:1024, used:1\n0x1: key=bob use=0 exp=1000 gpc0=9'),
      ),
    );
    two!.use(command('set table', () => err('No such table')));
    const hap = await connect();
    try {
      const [first] = await hap.stickTable.show('st_users');
      expect(first?.ok && first.value).toEqual([
        { ref: '0x1', key: 'bob', use: 0, expire: 1000, data: { gpc0: 9 } },
      ]);
      const error = await hap.stickTable
        .set('st_users', 'carol', { gpc0: 1 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AggregateProcessError);
      expect((error as AggregateProcessError).failed.map(({ error: cause }) => cause.message)).toEqual([
        expect.stringContaining('No such table'),
      ]);
    } finally {
      await hap.close();
    }
  });
});
