/**
 * Server writes when processes differ (fake cluster): a build without SSL (`set server … ssl` is
 * not a subcommand: UnsupportedError), and one process refusing a write (AggregateProcessError
 * with each process's outcome, the others applied).
 */
import { command, createFakeCluster, err, type FakeCluster, sendRaw } from '@haproxyadmin/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AggregateProcessError, CommandFailedError, HAProxy, UnsupportedError } from '../src/index.js';
import { SERVERS_CONFIG } from './servers-extra-targets.js';

const USAGE =
  'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | state | weight';

describe('server writes with differing processes (fake cluster)', () => {
  let cluster: FakeCluster;
  let hap: HAProxy;

  beforeAll(async () => {
    cluster = await createFakeCluster({ processes: 3, config: SERVERS_CONFIG });
    hap = await HAProxy.connect({ socketDir: cluster.socketDir, timeout: 5000 });
  });
  afterAll(async () => {
    await hap?.close();
    await cluster?.close();
  });
  beforeEach(() => {
    for (const process of cluster.processes) process.resetHandlers();
  });

  it('setSsl on a build without SSL: UnsupportedError carrying HAProxy’s answer', async () => {
    for (const process of cluster.processes) process.use(command(/^set server \S+ ssl /, () => err(USAGE)));
    const [s5] = await hap.server('s5', { backend: 'be' });
    const error = (await s5!.setSsl(false).catch((caught: unknown) => caught)) as UnsupportedError;
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.cause).toBeInstanceOf(CommandFailedError);
    expect(((error.cause as CommandFailedError).response ?? '').startsWith('usage: set server')).toBe(true);
  });

  it('one process refusing: AggregateProcessError per process, the others applied', async () => {
    cluster.processes[1]!.use(command('set maxconn server', () => err('Value out of range.')));
    const [s4] = await hap.server('s4', { backend: 'be' });
    const error = (await s4!.setMaxConn(55).catch((caught: unknown) => caught)) as AggregateProcessError;
    expect(error).toBeInstanceOf(AggregateProcessError);
    expect(error.succeeded).toHaveLength(2);
    expect(error.failed).toHaveLength(1);
    expect(error.failed[0]!.process.endpoint).toContain(
      cluster.processes[1]!.sockets[0]!.address.split('/').at(-1)!,
    );
    const slims = await Promise.all(
      cluster.processes.map(async (process) => {
        const text = await sendRaw(process.sockets[0]!.address, 'show stat be -1 -1');
        const [header, ...rows] = text.trim().split('\n');
        const columns = header!.slice(2).split(',');
        return rows.find((row) => row.split(',')[1] === 's4')!.split(',')[columns.indexOf('slim')];
      }),
    );
    expect(slims).toEqual(['55', '30', '55']);
  });
});
