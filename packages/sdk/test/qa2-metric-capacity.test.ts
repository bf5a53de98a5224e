/**
 * `hap.metric()` on per-process limits that differ on a healthy fleet (`Maxsock`, `Ulimit-n`: each
 * process's own limit, e.g. 8034 on the first process and 8030 on the others) resolves with the
 * total capacity instead of rejecting with `InconsistentDataError`.
 */
import { command, data } from '@haproxyadmin/testing';
import { setupFakeCluster } from '@haproxyadmin/testing/vitest';
import { describe, expect, it } from 'vitest';
import { HAProxy } from '../src/index.js';

describe('hap.metric() of per-process capacities', () => {
  const cluster = setupFakeCluster({ processes: 4, config: 'backend be\n    server s1 127.0.0.1:81\n' });

  it('sums Maxsock and Ulimit-n when the first process has a higher limit than the others', async () => {
    const hap = await HAProxy.connect({ socketDir: cluster.current.socketDir });
    try {
      const [first] = await hap.command('show info');
      if (!first?.ok) throw new Error('show info failed');
      const withLimit = (limit: number) =>
        first.value
          .replace(/^Maxsock: \d+$/m, `Maxsock: ${limit}`)
          .replace(/^Ulimit-n: \d+$/m, `Ulimit-n: ${limit}`);
      cluster.current.processes.forEach((process, index) => {
        const text = withLimit(index === 0 ? 8034 : 8030);
        process.use(command('show info', () => data(text)));
      });
      expect(await hap.metric('Maxsock')).toBe(8034 + 3 * 8030);
      expect(await hap.metric('Ulimit-n')).toBe(8034 + 3 * 8030);
    } finally {
      await hap.close();
    }
  });
});
