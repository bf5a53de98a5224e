/**
 * The map plugin against the fake HAProxy cluster of @haproxyadmin/testing (no HAProxy needed): the
 * same behaviour as on the real one, plus faults only a fake can inject.
 */
import { HAProxy } from '@haproxyadmin/sdk';
import {
  AggregateProcessError,
  InconsistentDataError,
  InvalidArgumentError,
  NotFoundError,
  PatternKindError,
} from '@haproxyadmin/sdk/plugin';
import { command, err } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';
import { mapPlugin } from '../src/index.js';

const config = `
global
  stats socket \${dir}/admin\${index}.sock level admin
defaults
  mode http
frontend fe
  bind 127.0.0.1:\${port:http}
  acl blocked src -f \${dir}/ips.acl
  http-request deny if blocked
  use_backend %[path,map_beg(\${dir}/routes.map,be_app)]
backend be_app
  server s1 127.0.0.1:\${port:srv}
`;

describe('plugin-map on the fake cluster (2 processes)', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    config,
    files: { 'ips.acl': '10.0.0.0/8\n', 'routes.map': '/api be_api\n/static be_app\n' },
  });
  const connect = () => HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [mapPlugin()] });

  test('replace stages payloads on every process, then commits everywhere', async () => {
    const hap = await connect();
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      const entries = Object.fromEntries(
        Array.from({ length: 3000 }, (_, index) => [`/r${index}`, `be_${index}`]),
      );
      const result = await hap.map.replace(routes, entries);
      expect(result.processes.map((item) => item.committed)).toEqual([true, true]);
      for (const fake of cluster.current.processes) {
        const lines = fake.calls.map((call) => call.line);
        expect(lines.filter((line) => line.startsWith('add map @')).length).toBeGreaterThan(3);
        expect(lines.filter((line) => line.startsWith('commit map @'))).toHaveLength(1);
        expect(fake.calls.some((call) => (call.payload?.split('\n').length ?? 0) > 100)).toBe(true);
      }
      await expect(hap.map.get(routes, '/r2999/x')).resolves.toMatchObject({ found: true, value: 'be_2999' });
    } finally {
      await hap.close();
    }
  });

  test('a fault injected on one process: nothing is committed anywhere, the map is unchanged', async () => {
    const hap = await connect();
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      const before = await Promise.all(
        cluster.current.processes.map((fake) => fake.send(`show map ${routes}`)),
      );
      cluster.current.processes[1]!.use(command(/^add map @/, () => err('Failed to add a key.')));
      const error = await hap.map.replace(routes, { '/x': 'y' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AggregateProcessError);
      expect((error as AggregateProcessError).outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
      for (const fake of cluster.current.processes) {
        expect(fake.calls.some((call) => call.line.startsWith('commit'))).toBe(false);
      }
      expect(
        await Promise.all(cluster.current.processes.map((fake) => fake.send(`show map ${routes}`))),
      ).toEqual(before);
    } finally {
      await hap.close();
    }
  });

  test('an ACL id is refused as a map', async () => {
    const hap = await connect();
    try {
      await expect(hap.map.add(0, '/v2', 'be_api')).rejects.toBeInstanceOf(PatternKindError);
      for (const fake of cluster.current.processes) {
        expect(fake.calls.some((call) => call.line.startsWith('add map'))).toBe(false);
      }
    } finally {
      await hap.close();
    }
  });

  test('an abort mid-replace rejects with the reason, commits nowhere and clears what was staged', async () => {
    const hap = await connect();
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      const controller = new AbortController();
      let chunks = 0;
      cluster.current.processes[0]!.use(
        command(/^add map @/, () => {
          if (++chunks === 3) controller.abort(new Error('stop'));
          return undefined;
        }),
      );
      const entries = Object.fromEntries(
        Array.from({ length: 5000 }, (_, index) => [`/r${index}`, `be_${index}`]),
      );
      await expect(
        hap.map.replace(routes, entries, { signal: controller.signal, maxRequestBytes: 4096 }),
      ).rejects.toThrow('stop');
      for (const fake of cluster.current.processes) {
        const lines = fake.calls.map((call) => call.line);
        expect(lines.some((line) => line.startsWith('commit'))).toBe(false);
        expect(lines.filter((line) => /^clear map @\d+ /.test(line))).toHaveLength(1);
        expect(await fake.send(`show map ${routes}`)).toMatch(
          /^0x[0-9a-f]+ \/api be_api\n0x[0-9a-f]+ \/static be_app\n\n$/,
        );
      }
    } finally {
      await hap.close();
    }
  });

  test('replace with nothing empties the map on every process', async () => {
    const hap = await connect();
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      await expect(hap.map.replace(routes, new Map())).resolves.toMatchObject({ count: 0 });
      for (const fake of cluster.current.processes) expect(await fake.send(`show map ${routes}`)).toBe('\n');
    } finally {
      await hap.close();
    }
  });
});

/** A map with a duplicate key: `del` by key removes both, by reference only the one named. */
const refFiles = { 'ips.acl': '10.0.0.0/8\n', 'routes.map': '/api be_api\n/static be_app\n/api be_old\n' };

describe('plugin-map entry references on the fake cluster (3 processes)', () => {
  const cluster = setupFakeCluster({ processes: 3, config, files: refFiles });
  const raw = (line: string) => Promise.all(cluster.current.processes.map((fake) => fake.send(line)));

  test('del by { ref } is refused before anything is sent, and no process changes', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [mapPlugin()] });
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      const entries = await hap.map.show(routes);
      const before = await raw(`show map ${routes}`);
      const sent = cluster.current.processes.map((fake) => fake.calls.length);
      const error = await hap.map.del(routes, { ref: entries[2]!.ref }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'ref', value: entries[2]!.ref });
      expect((error as Error).message).toMatch(/references are per process.*3 current processes.*key/);
      expect(cluster.current.processes.map((fake) => fake.calls.length)).toEqual(sent);
      expect(await raw(`show map ${routes}`)).toEqual(before);
      // A string is always a key, even one shaped like a reference (del and set): no such key here.
      for (const call of [
        () => hap.map.del(routes, `#${entries[2]!.ref}`),
        () => hap.map.set(routes, `#${entries[2]!.ref}`, 'be_x'),
      ]) {
        const asString = await call().catch((caught: unknown) => caught);
        expect(asString).toBeInstanceOf(NotFoundError);
        expect((asString as Error).message).toMatch(/a string is a key.*\{ ref \}/);
      }
      expect(await raw(`show map ${routes}`)).toEqual(before);
    } finally {
      await hap.close();
    }
  });

  test('show: processes holding other entries name the first entry that differs', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [mapPlugin()] });
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      await cluster.current.processes[2]!.send(`set map ${routes} /static be_other`);
      const error = await hap.map.show(routes).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InconsistentDataError);
      const { field, values, message } = error as InconsistentDataError;
      expect(field).toBe('show map: entry 2 (entries per process: 3/3/3)');
      expect(values.map(({ value }) => value)).toEqual([
        '/static be_app',
        '/static be_app',
        '/static be_other',
      ]);
      expect(message).toContain('be_other');
      expect(message).not.toContain('[object Object]');
    } finally {
      await hap.close();
    }
  });
});

describe('plugin-map entry references on the fake cluster (1 process)', () => {
  const cluster = setupFakeCluster({ processes: 1, config, files: refFiles });

  test('del by { ref } removes that one entry, not the other with the same key', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir, plugins: [mapPlugin()] });
    try {
      const routes = `${cluster.current.socketDir}/routes.map`;
      const entries = await hap.map.show(routes);
      await hap.map.del(routes, { ref: entries[2]!.ref });
      const fake = cluster.current.processes[0]!;
      expect(fake.calls.filter((call) => call.line.startsWith('del map')).map((call) => call.line)).toEqual([
        `del map ${routes} #${entries[2]!.ref}`,
      ]);
      expect(await fake.send(`show map ${routes}`)).toBe(
        `${entries[0]!.ref} /api be_api\n${entries[1]!.ref} /static be_app\n\n`,
      );
      await expect(hap.map.del(routes, { ref: entries[2]!.ref })).rejects.toThrow(/Key not found/);
    } finally {
      await hap.close();
    }
  });
});
