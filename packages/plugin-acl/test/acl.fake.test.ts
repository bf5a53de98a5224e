/**
 * The ACL plugin against the fake HAProxy cluster of @haproxyadmin/testing (no HAProxy needed).
 */
import { HAProxy } from '@haproxyadmin/sdk';
import { AggregateProcessError, NotFoundError } from '@haproxyadmin/sdk/plugin';
import { command, err } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';
import { aclPlugin } from '../src/index.js';

describe('plugin-acl on the fake cluster (2 processes)', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config: `
global
  stats socket \${dir}/admin\${index}.sock level admin
frontend fe
  bind 127.0.0.1:\${port:http}
  acl private path_beg -f \${dir}/paths.acl
  http-request deny if private
`,
    files: { 'paths.acl': '/admin\n/private\n' },
  });
  const connect = () => HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [aclPlugin()] });

  test('replace, then sync, on every process', async () => {
    const hap = await connect();
    try {
      const paths = `${cluster.current.socketDir}/paths.acl`;
      await hap.acl.replace(paths, ['/a', '/b;c', '/d e']);
      await expect(hap.acl.sync(paths, ['/a', '/d e', '/f'])).resolves.toMatchObject({
        mode: 'incremental',
        added: ['/f'],
        removed: ['/b;c'],
        unchanged: 2,
      });
      for (const fake of cluster.current.processes) {
        expect((await fake.send(`show acl ${paths}`)).replace(/0x[0-9a-f]+ /g, '')).toBe('/a\n/d e\n/f\n\n');
      }
    } finally {
      await hap.close();
    }
  });

  test('an unknown id or file is a NotFoundError, for reads as for writes', async () => {
    const hap = await connect();
    try {
      for (const call of [
        () => hap.acl.show(99),
        () => hap.acl.show('/no/such.acl'),
        () => hap.acl.add(99, '/x'),
        () => hap.acl.get('/no/such.acl', '/x'),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).kind).toBe('acl');
      }
    } finally {
      await hap.close();
    }
  });

  test('a failure on one process mid-replace commits nowhere', async () => {
    const hap = await connect();
    try {
      const paths = `${cluster.current.socketDir}/paths.acl`;
      let adds = 0;
      cluster.current.processes[1]!.use(
        command(/^add acl @/, () => (++adds === 500 ? err('Out of memory error.') : undefined)),
      );
      const error = await hap.acl
        .replace(
          paths,
          Array.from({ length: 1000 }, (_, index) => `/p${index}`),
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AggregateProcessError);
      for (const fake of cluster.current.processes) {
        expect(fake.calls.some((call) => call.line.startsWith('commit acl'))).toBe(false);
        expect((await fake.send(`show acl ${paths}`)).replace(/0x[0-9a-f]+ /g, '')).toBe(
          '/admin\n/private\n\n',
        );
      }
    } finally {
      await hap.close();
    }
  });
});
