import { createFakeCluster, createFakeHAProxy, sendRaw } from '@haproxyadmin/testing';
import { CONFORMANCE_CONFIG, CONFORMANCE_FILES } from '@haproxyadmin/testing/conformance';
import { setupFakeHAProxy } from '@haproxyadmin/testing/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { promptClient, rawExchange } from './helpers.js';

describe('load and bad input', () => {
  const fake = setupFakeHAProxy({ config: CONFORMANCE_CONFIG, files: CONFORMANCE_FILES });

  test('1,000 concurrent connections are all answered', async () => {
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        sendRaw(fake.current.socket, i % 2 ? 'show info' : 'show stat', 20_000),
      ),
    );
    expect(
      replies.filter((reply, i) => reply.startsWith(i % 2 ? 'Name: HAProxy\n' : '# pxname,')),
    ).toHaveLength(1000);
    expect(fake.current.calls).toHaveLength(1000);
  });

  const WORDS = [
    'show',
    'set',
    'add',
    'del',
    'get',
    'clear',
    'acl',
    'map',
    'server',
    'weight',
    'stat',
    'info',
    'table',
    'frontend',
    'maxconn',
    'global',
    'be_app/s1',
    'be_app',
    '#0',
    '#6',
    '@1',
    'state',
    'ready',
    'maint',
    'prompt',
    'commit',
    'prepare',
    'enable',
    'disable',
    'health',
    'agent',
    'addr',
    '1',
    '-1',
    '300',
    'abc',
    '<<',
    ';',
    '\\',
    '%',
  ];

  test('random command lines never crash the fake or make a handler throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })), { maxLength: 8 }),
        async (words) => {
          const line = words.join(' ').replace(/\n/g, ' ');
          const { text } = await rawExchange(fake.current.socket, `${line}\n\n`, { timeout: 2000 });
          expect(text).not.toContain('Internal error');
        },
      ),
      { numRuns: 300 },
    );
    expect(await fake.current.send('show version')).toBe('2.6.12-1+deb12u4\n\n');
  });

  test('random bytes, half lines and huge lines are survived', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await rawExchange(fake.current.socket, Buffer.from(bytes).toString('latin1'), { timeout: 300 }).catch(
          () => undefined,
        );
      }),
      { numRuns: 100 },
    );
    await rawExchange(fake.current.socket, `${'x'.repeat(2_000_000)}\n`).catch(() => undefined);
    expect(await fake.current.send('show version')).toBe('2.6.12-1+deb12u4\n\n');
  });
});

describe('scale', () => {
  test('2,000 backends x 10 servers: show stat (22,003 lines) stays fast', async () => {
    let config = 'global\n    maxconn 1000\ndefaults\n    mode http\n';
    for (let b = 0; b < 2000; b++) {
      config += `backend be_${b}\n`;
      for (let s = 0; s < 10; s++) config += `    server s${s} 10.0.${b % 250}.${s}:80\n`;
    }
    const fake = await createFakeHAProxy({ config });
    try {
      const start = Date.now();
      const csv = await sendRaw(fake.socket, 'show stat', 20_000);
      expect(csv.split('\n')).toHaveLength(22_003);
      expect(Date.now() - start).toBeLessThan(5000);
    } finally {
      await fake.close();
    }
  });
});

describe('close()', () => {
  const relevant = () =>
    process
      .getActiveResourcesInfo()
      .filter((name) => /Pipe|TCP|Timeout|Immediate/.test(name))
      .sort();

  test('leaves no server, socket or timer behind', async () => {
    const before = relevant();
    const cluster = await createFakeCluster({
      processes: 2,
      config: CONFORMANCE_CONFIG.replaceAll('.sock ', '-${index}.sock '),
      files: CONFORMANCE_FILES,
      master: true,
      tcp: true,
    });
    const single = await createFakeHAProxy({ tcp: true });
    const held = await promptClient(cluster.processes[0]!.socket);
    await held.send('show version');
    cluster.processes[1]!.inject({ kind: 'stall-mid-reply', afterBytes: 3 });
    const stalled = rawExchange(cluster.processes[1]!.socket, 'show stat\n', { end: false, timeout: 5000 });
    const master = await promptClient(cluster.masterSocket!, 'master> ');
    await master.send('@1 show version');
    await cluster.reload();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(relevant().length).toBeGreaterThan(before.length);
    await cluster.close();
    await single.close();
    expect((await stalled).closedByServer).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const count = (list: string[]) => {
      const out: Record<string, number> = {};
      for (const name of list) out[name] = (out[name] ?? 0) + 1;
      return out;
    };
    const after = count(relevant());
    const initial = count(before);
    for (const [name, n] of Object.entries(after))
      expect(n, `${name}: ${JSON.stringify({ before: initial, after })}`).toBeLessThanOrEqual(
        initial[name] ?? 0,
      );
  });
});
