import { readdirSync } from 'node:fs';
import { createFakeClock, createFakeCluster, type FakeCluster, sendRaw } from '@haproxyadmin/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { promptClient, rawExchange } from './helpers.js';

const CONFIG = `global
    maxconn 100

backend be_app
    server s1 127.0.0.1:8081 weight 10
    server s2 127.0.0.1:8082
`;

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('createFakeCluster', () => {
  test('pattern entry references differ per process (separate heaps), as on real HAProxy', async () => {
    cluster = await createFakeCluster({
      processes: 3,
      config: 'frontend fe\n    acl denied path -f ${dir}/deny.acl\n    http-request deny if denied\n',
      files: { 'deny.acl': '/admin\n/private\n' },
    });
    const refs = await Promise.all(
      cluster.processes.map(async (fake) =>
        [...(await fake.send('show acl #0')).matchAll(/^(0x[0-9a-f]+) /gm)].map((match) => match[1]),
      ),
    );
    expect(refs.map((list) => list.length)).toEqual([2, 2, 2]);
    expect(new Set(refs.flat()).size).toBe(6);
    // A ref of process 1 means nothing to process 2.
    expect(await cluster.processes[1]!.send(`del acl ${cluster.socketDir}/deny.acl #${refs[0]![0]}`)).toMatch(
      /Key not found/,
    );
  });

  test('N processes in one folder, each with its own pid, state and counters', async () => {
    cluster = await createFakeCluster({ processes: 4, config: CONFIG });
    expect(
      readdirSync(cluster.socketDir)
        .filter((name) => name.endsWith('.sock'))
        .sort(),
    ).toEqual(['haproxy-1.sock', 'haproxy-2.sock', 'haproxy-3.sock', 'haproxy-4.sock']);
    const pids = cluster.processes.map((fake) => fake.pid);
    expect(new Set(pids).size).toBe(4);
    for (const fake of cluster.processes) {
      expect(await fake.send('show info')).toContain(`\nPid: ${fake.pid}\n`);
    }
    await cluster.processes[1]!.send('set weight be_app/s1 3');
    expect(await cluster.processes[0]!.send('get weight be_app/s1')).toBe('10 (initial 10)\n\n');
    expect(await cluster.processes[1]!.send('get weight be_app/s1')).toBe('3 (initial 10)\n\n');
    cluster.processes[2]!.simulateTraffic({ backend: 'be_app', requests: 5 });
    expect(await cluster.processes[2]!.send('show info')).toContain('\nCumReq: 5\n');
    expect(await cluster.processes[3]!.send('show info')).toContain('\nCumReq: 0\n');
  });

  test('processes sharing a stats socket path are refused', async () => {
    await expect(
      createFakeCluster({ processes: 2, config: 'global\n    stats socket ${dir}/same.sock level admin\n' }),
    ).rejects.toThrow(/\$\{index\}/);
  });
});

describe('master CLI', () => {
  test('prompt, routing, sticky target and show proc in the 2.6 format', async () => {
    const clock = createFakeClock();
    cluster = await createFakeCluster({
      processes: 1,
      config: CONFIG,
      master: true,
      clock: clock.now,
      basePid: 21696,
    });
    clock.advance(7000);
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toBe(
      '#<PID>          <type>          <reloads>       <uptime>        <version>      \n' +
        '21696           master          0 [failed: 0]   0d00h00m07s     2.6.12-1+deb12u4\n' +
        '# workers\n' +
        '21697           worker          0               0d00h00m07s     2.6.12-1+deb12u4\n' +
        '# programs\n\n',
    );
    const master = await promptClient(cluster.masterSocket!, 'master> ');
    expect(await master.send('@1 show version')).toBe('2.6.12-1+deb12u4\n\n');
    master.socket.write('@1\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    master.socket.write('show info\n');
    const closed = master.closed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    master.socket.write('@2 show info\n');
    const rest = await closed;
    expect(rest).toMatch(
      /^21697> Name: HAProxy\n[\s\S]*\nPid: 21697\n[\s\S]*\n\n21697> Can't find the target PID matching the prefix '@2'\n$/,
    );
    expect(await sendRaw(cluster.masterSocket!, '@!21697 show cli level')).toBe('admin\n\n');
    expect(await sendRaw(cluster.masterSocket!, 'show info')).toMatch(/^Unknown command, but maybe/);
  });

  test('reload: 0 bytes, master connections closed, new worker, old worker kept while a connection is held', async () => {
    cluster = await createFakeCluster({ processes: 1, config: CONFIG, master: true });
    const oldPid = cluster.processes[0]!.pid;
    const workerSocket = cluster.processes[0]!.socket;
    const held = await promptClient(workerSocket);
    const heldMaster = await promptClient(cluster.masterSocket!, 'master> ');
    const masterClosed = heldMaster.closed();
    expect(await rawExchange(cluster.masterSocket!, 'reload\n')).toEqual({ text: '', closedByServer: true });
    await masterClosed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const newPid = cluster.processes[0]!.pid;
    expect(newPid).not.toBe(oldPid);
    expect(await sendRaw(workerSocket, 'show info')).toContain(`\nPid: ${newPid}\n`);
    const proc = await sendRaw(cluster.masterSocket!, 'show proc');
    expect(proc).toMatch(/\d+ +master +1 \[failed: 0\]/);
    expect(proc).toMatch(
      new RegExp(`# workers\\n${newPid} +worker +0 [\\s\\S]*# old workers\\n${oldPid} +worker +1 `),
    );
    const info = await held.send('show info');
    expect(info).toContain(`\nPid: ${oldPid}\n`);
    expect(info).toContain('\nStopping: 1\n');
    expect(await sendRaw(cluster.masterSocket!, `@!${oldPid} show cli level`)).toBe('admin\n\n');
    held.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).not.toContain('# old workers');
  });

  test('a reload with a broken config fails and keeps the worker', async () => {
    cluster = await createFakeCluster({ processes: 1, config: CONFIG, master: true });
    const pid = cluster.processes[0]!.pid;
    await cluster.reload(
      'global\n    stats socket /nonexistent/dir/x.sock level admin\nfrontend f\n    acl a path -f /nonexistent.acl\n',
    );
    expect(cluster.processes[0]!.pid).toBe(pid);
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toMatch(/master +1 \[failed: 1\]/);
  });
});

describe('master faults', () => {
  test('injectMaster: refuse a connection, cut a reply', async () => {
    cluster = await createFakeCluster({ processes: 1, config: CONFIG, master: true });
    cluster.injectMaster({ kind: 'refuse-connections' });
    const refused = await rawExchange(cluster.masterSocket!, 'show proc\n').then(
      (result) => result.text,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(['', 'EPIPE', 'ECONNRESET']).toContain(refused);
    cluster.injectMaster({ kind: 'close-mid-reply', afterBytes: 6, match: 'show proc' });
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toBe('#<PID>');
    expect(await sendRaw(cluster.masterSocket!, 'show proc')).toMatch(/^#<PID> /);
  });
});

test('processes of a cluster share the ${port:NAME} numbers', async () => {
  cluster = await createFakeCluster({
    processes: 3,
    config:
      'global\n    stats socket ${dir}/p${index}.sock level admin\nfrontend f\n    bind 127.0.0.1:${port:web}\n',
  });
  expect(new Set(cluster.processes.map((fake) => fake.ports.web)).size).toBe(1);
});
