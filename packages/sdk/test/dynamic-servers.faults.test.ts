/**
 * Partial failures of dynamic-server operations on the fake cluster: a process refusing `add server`
 * (the others are rolled back), sessions on one process only (nothing deleted anywhere), a process
 * refusing `del server` (reported per process).
 */
import { command, createFakeCluster, err, type FakeCluster, sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AggregateProcessError, HAProxy, PreconditionFailedError, RolledBackError } from '../src/index.js';
import { SERVERS_CONFIG } from './servers-extra-targets.js';

describe('dynamic servers with partial failures (fake cluster)', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;
  const names = (index: number, backend = 'be') =>
    sendRaw(cluster.processes[index]!.sockets[0]!.address, `show servers state ${backend}`).then((text) =>
      text
        .trim()
        .split('\n')
        .slice(2)
        .map((line) => line.split(' ')[3]),
    );
  const everywhere = (backend = 'be') =>
    Promise.all(cluster.processes.map((_, index) => names(index, backend)));

  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 4, config: SERVERS_CONFIG });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 5000 });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });
  beforeEach(() => {
    for (const process of cluster.processes) {
      process.resetHandlers();
      process.calls.length = 0;
    }
  });

  it('one process refuses add server: RolledBackError, the others are rolled back', async () => {
    cluster.processes[2]!.use(command('add server', () => err('Out of memory.')));
    const be = await hap.backend('be');
    const error = (await be
      .addServer('r1', '127.0.0.1:26950')
      .catch((caught: unknown) => caught)) as RolledBackError;
    expect(error).toBeInstanceOf(RolledBackError);
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect(error.code).toBe('HAPROXY_ERR_ROLLED_BACK');
    expect(error.message).toMatch(
      /failed on 1 of 4 processes: .*Out of memory; undone on the other 3: nothing changed$/,
    );
    expect(error.failed).toHaveLength(1);
    expect(error.succeeded).toHaveLength(3);
    expect(error.rolledBack).toEqual(error.succeeded);
    for (const list of await everywhere()) expect(list).not.toContain('r1');
    for (const index of [0, 1, 3]) {
      expect(cluster.processes[index]!.calls.map((call) => call.line)).toContain('del server be/r1');
    }
  });

  it('the undo fails too: the AggregateProcessError of the add, the server stays where it was added', async () => {
    cluster.processes[2]!.use(command('add server', () => err('Out of memory.')));
    cluster.processes[0]!.use(command('del server', () => err('Server is still in use.')));
    const be = await hap.backend('be');
    const error = (await be
      .addServer('r3', '127.0.0.1:26952')
      .catch((caught: unknown) => caught)) as AggregateProcessError;
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect(error).not.toBeInstanceOf(RolledBackError);
    expect(error.code).toBe('HAPROXY_ERR_PARTIAL');
    expect(error.succeeded).toHaveLength(3);
    const lists = await everywhere();
    expect(lists.map((list) => list.includes('r3'))).toEqual([true, false, false, false]);
    cluster.processes[0]!.resetHandlers();
    await sendRaw(cluster.processes[0]!.sockets[0]!.address, 'del server be/r3');
  });

  it('sessions on one process only: refused at the deadline, nothing deleted on any process', async () => {
    const beDrain = await hap.backend('be_drain');
    const server = await beDrain.addServer('r2', '127.0.0.1:26951', { enable: true });
    cluster.processes[1]!.setSessions({ backend: 'be_drain', server: 'r2' }, 2);
    const error = (await server
      .delete({ timeout: 150, pollInterval: 30 })
      .catch((caught: unknown) => caught)) as PreconditionFailedError;
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error.processes).toHaveLength(1);
    expect(error.processes[0]!.process?.endpoint).toContain(
      cluster.processes[1]!.sockets[0]!.address.split('/').at(-1)!,
    );
    for (const list of await everywhere('be_drain')) expect(list).toContain('r2');
    for (const process of cluster.processes) {
      expect(process.calls.map((call) => call.line)).not.toContain('del server be_drain/r2');
    }
    cluster.processes[1]!.setSessions({ backend: 'be_drain', server: 'r2' }, 0);
    await server.delete();
    for (const list of await everywhere('be_drain')) expect(list).not.toContain('r2');
  });

  it('a process refusing del server is reported per process; the others deleted it', async () => {
    const be = await hap.backend('be');
    const server = await be.addServer('r3', '127.0.0.1:26952');
    cluster.processes[3]!.use(
      command('del server', () =>
        err('This server cannot be removed at runtime due to other configuration elements pointing to it.'),
      ),
    );
    const error = (await server.delete().catch((caught: unknown) => caught)) as AggregateProcessError;
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect(error.failed).toHaveLength(1);
    expect(error.failed[0]!.error.message).toMatch(/cannot be removed at runtime/);
    const lists = await everywhere();
    expect(lists[3]).toContain('r3');
    for (const list of lists.slice(0, 3)) expect(list).not.toContain('r3');
  });
});
