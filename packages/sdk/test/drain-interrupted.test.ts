/**
 * A drain whose session count fails half way (a current process stops answering): the error says
 * the server was left in DRAIN, and where — not only which socket failed.
 */
import { createFakeCluster, type FakeCluster, sendRaw } from '@haproxyadmin/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AggregateProcessError, DrainInterruptedError, HAProxy } from '../src/index.js';
import { waitFor } from './setup-wait.js';

const CONFIG = 'backend be\n    server s1 127.0.0.1:81 weight 10\n';

describe('drain() interrupted by a process that stops answering', () => {
  let cluster: FakeCluster | undefined;
  let hap: HAProxy | undefined;
  afterEach(async () => {
    await hap?.close();
    await cluster?.close();
  });

  it('DrainInterruptedError: the cause names the process, the server stays in DRAIN on the others', async () => {
    cluster = await createFakeCluster({ processes: 3, config: CONFIG });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 2000, retry: 0 });
    const [s1] = await hap.server('s1', { backend: 'be' });
    for (const fake of cluster.processes) fake.setSessions({ backend: 'be', server: 's1' }, 1);
    let counts = 0;
    const draining = s1!
      .drain({ timeout: 30_000, pollInterval: 20, onProgress: () => counts++ })
      .catch((error: unknown) => error);
    await waitFor(() => counts > 0, { what: 'a first session count' });
    const gone = cluster.processes[2]!;
    const survivors = cluster.processes.slice(0, 2);
    await gone.close();
    const error = (await draining) as DrainInterruptedError;
    expect(error).toBeInstanceOf(DrainInterruptedError);
    expect(error.code).toBe('HAPROXY_ERR_DRAIN_INTERRUPTED');
    expect(error.servers).toEqual(['be/s1']);
    expect(error.lastProgress?.sessions).toBe(3);
    expect(error.cause).toBeInstanceOf(AggregateProcessError);
    expect(error.message).toMatch(
      /^drain of be\/s1 interrupted after \d+ ms: .*haproxy-3\.sock.*; left in DRAIN on the processes that applied it/,
    );
    for (const fake of survivors) {
      const state = await sendRaw(fake.sockets[0]!.address, 'show servers state be');
      // srv_admin_state 8 = DRAIN (set through the CLI)
      expect(state.trim().split('\n')[2]!.split(' ')[6]).toBe('8');
    }
  });
});
