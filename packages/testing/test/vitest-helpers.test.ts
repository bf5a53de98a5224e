import { sendRaw } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, test } from 'vitest';

describe('setupFakeCluster', () => {
  const cluster = setupFakeCluster({
    processes: 2,
    master: true,
    state: { backends: [{ name: 'be', servers: [{ name: 's1', address: '127.0.0.1:80' }] }] },
  });

  test('a test may change state…', async () => {
    await cluster.current.processes[0]!.send('set weight be/s1 7');
    expect(await sendRaw(cluster.current.masterSocket!, '@1 get weight be/s1')).toBe('7 (initial 1)\n\n');
    expect(await sendRaw(cluster.current.masterSocket!, '@2 get weight be/s1')).toBe('1 (initial 1)\n\n');
  });

  test('…and the next one starts from the initial state', async () => {
    expect(await cluster.current.processes[0]!.send('get weight be/s1')).toBe('1 (initial 1)\n\n');
    expect(cluster.current.processes[0]!.calls.map((call) => call.line)).toEqual(['get weight be/s1']);
  });
});
