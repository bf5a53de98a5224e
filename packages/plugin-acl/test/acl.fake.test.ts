/**
 * The ACL plugin against the fake HAProxy cluster of @haproxyadmin/testing (no HAProxy needed).
 */
import { HAProxy } from '@haproxyadmin/sdk';
import {
  AggregateProcessError,
  InconsistentDataError,
  InvalidArgumentError,
  NotFoundError,
} from '@haproxyadmin/sdk/plugin';
import { command, err } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';
import { aclPlugin } from '../src/index.js';

const config = `
global
  stats socket \${dir}/admin\${index}.sock level admin
frontend fe
  bind 127.0.0.1:\${port:http}
  acl private path_beg -f \${dir}/paths.acl
  http-request deny if private
`;

describe('plugin-acl on the fake cluster (2 processes)', () => {
  const cluster = setupFakeCluster({ processes: 2, config, files: { 'paths.acl': '/admin\n/private\n' } });
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

/** An ACL file holding a duplicate: `del` by pattern removes both, by reference only the one named. */
const refFiles = { 'paths.acl': '/admin\n/private\n/admin\n' };

describe('plugin-acl entry references on the fake cluster (3 processes)', () => {
  const cluster = setupFakeCluster({ processes: 3, config, files: refFiles });
  const raw = (command: string) => Promise.all(cluster.current.processes.map((fake) => fake.send(command)));

  test('del by { ref } is refused before anything is sent, and no process changes', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [aclPlugin()] });
    try {
      const paths = `${cluster.current.socketDir}/paths.acl`;
      const entries = await hap.acl.show(paths);
      const before = await raw(`show acl ${paths}`);
      const sent = cluster.current.processes.map((fake) => fake.calls.length);
      const error = await hap.acl.del(paths, { ref: entries[2]!.ref }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'ref', value: entries[2]!.ref });
      expect((error as Error).message).toMatch(/references are per process.*3 current processes.*pattern/);
      expect(cluster.current.processes.map((fake) => fake.calls.length)).toEqual(sent);
      expect(await raw(`show acl ${paths}`)).toEqual(before);
      // A string is always a pattern, even one shaped like a reference: no such pattern here.
      const asString = await hap.acl.del(paths, `#${entries[2]!.ref}`).catch((caught: unknown) => caught);
      expect(asString).toBeInstanceOf(NotFoundError);
      expect((asString as Error).message).toMatch(/a string is a pattern.*\{ ref \}/);
      expect(await raw(`show acl ${paths}`)).toEqual(before);
    } finally {
      await hap.close();
    }
  });

  test('show: processes holding other patterns name the first entry that differs', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [aclPlugin()] });
    try {
      const paths = `${cluster.current.socketDir}/paths.acl`;
      await cluster.current.processes[1]!.send(`add acl ${paths} /only-on-2`);
      const error = await hap.acl.show(paths).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InconsistentDataError);
      const { field, values, message } = error as InconsistentDataError;
      expect(field).toBe('show acl: entry 4 (entries per process: 3/4/3)');
      expect(values.map(({ value }) => value)).toEqual([undefined, '/only-on-2', undefined]);
      expect(message).toContain('/only-on-2');
      expect(message).not.toContain('[object Object]');
    } finally {
      await hap.close();
    }
  });
});

describe('plugin-acl entry references on the fake cluster (1 process)', () => {
  const cluster = setupFakeCluster({ processes: 1, config, files: refFiles });

  test('del by { ref } removes that one entry, not its duplicate', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [aclPlugin()] });
    try {
      const paths = `${cluster.current.socketDir}/paths.acl`;
      const entries = await hap.acl.show(paths);
      await hap.acl.del(paths, { ref: entries[2]!.ref });
      const fake = cluster.current.processes[0]!;
      expect(fake.calls.filter((call) => call.line.startsWith('del acl')).map((call) => call.line)).toEqual([
        `del acl ${paths} #${entries[2]!.ref}`,
      ]);
      expect(await fake.send(`show acl ${paths}`)).toBe(
        `${entries[0]!.ref} /admin\n${entries[1]!.ref} /private\n\n`,
      );
      await expect(hap.acl.del(paths, { ref: entries[2]!.ref })).rejects.toThrow(/Key not found/);
    } finally {
      await hap.close();
    }
  });
});
