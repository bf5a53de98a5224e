import { inspect } from 'node:util';
import type { ProcessRef } from '../src/core/types.js';
import { describe, expect, it } from 'vitest';
import {
  AggregateProcessError,
  Backend,
  CommandFailedError,
  Frontend,
  HAProxy,
  InconsistentDataError,
  InvalidArgumentError,
  NotFoundError,
  Server,
} from '../src/index.js';
import {
  backendRow,
  capturedRows,
  count,
  createTestExecutor,
  get,
  INFO_TEXT,
  lines,
  makeProcess,
  perProcess,
  type Row,
  responder,
  serverRow,
  set,
  type TestExecutor,
} from './model-helpers.js';
import { numericWrites } from './setup-bad-input.js';

async function connect(executor: TestExecutor) {
  return HAProxy.connect({ executor });
}

/** 4 processes answering the real capture, each with its own counters. */
function fourProcesses(edit: (rows: Row[], index: number) => void = () => {}) {
  const processes = [0, 1, 2, 3].map((index) => makeProcess(index));
  return createTestExecutor(
    processes,
    responder((index) => {
      const rows = capturedRows();
      edit(rows, index);
      return rows;
    }),
  );
}

/** 20 backends x 10 servers = 200 servers. */
function bigRows(): Row[] {
  const rows: Row[] = [];
  for (let b = 0; b < 20; b++) {
    for (let s = 0; s < 10; s++) rows.push(serverRow(`be${b}`, `srv${b}_${s}`, s + 1));
    rows.push(backendRow(`be${b}`, b + 2));
  }
  return rows;
}

describe('reads coalesce into one dump per process', () => {
  it('200 servers: status + weight + scur through Promise.all send exactly one show stat per process', async () => {
    const executor = createTestExecutor(
      [0, 1, 2, 3].map((index) => makeProcess(index)),
      responder(() => bigRows()),
    );
    const hap = await connect(executor);
    const servers = await hap.servers();
    expect(servers).toHaveLength(200);
    const once = Object.fromEntries(executor.list.map((process) => [process.key, 1]));
    expect(perProcess(executor, 'show stat')).toEqual(once);
    executor.calls.length = 0;
    const values = await Promise.all(
      servers.map(async (server) => {
        const [status, weight, scur] = await Promise.all([
          server.status(),
          server.weight(),
          server.metric('scur'),
        ]);
        return { name: server.name, status, weight, scur };
      }),
    );
    expect(values[0]).toEqual({ name: 'srv0_0', status: 'UP', weight: 1, scur: 0 });
    // 600 reads: exactly one full `show stat` per process, nothing else
    expect(executor.calls.every((call) => call.line === 'show stat')).toBe(true);
    expect(perProcess(executor, 'show stat')).toEqual(once);
  });

  it('reads of one backend use a narrow dump of that proxy', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const servers = await hap.servers({ backend: 'be_app' });
    expect(servers.map((server) => server.name)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    executor.calls.length = 0;
    await Promise.all(servers.map((server) => server.status().catch(() => 'x')));
    expect(lines(executor)).toEqual(['show stat be_app -1 -1']);
    expect(Object.values(perProcess(executor, 'show stat'))).toEqual([1, 1, 1, 1]);
  });

  it('a read issued while a dump is in flight joins it; a read issued after a write completed does not', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const [server] = await hap.server('s2', { backend: 'be_app' });
    executor.calls.length = 0;
    executor.delay = 20;
    const first = server!.metric('stot');
    await new Promise((resolve) => setTimeout(resolve, 5)); // the dump is now in flight
    const joined = server!.metric('stot');
    await Promise.all([first, joined]);
    expect(Object.values(perProcess(executor, 'show stat'))).toEqual([1, 1, 1, 1]);

    // A dump in flight when a write completes is not joined by later reads.
    executor.calls.length = 0;
    const before = server!.weight();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server!.setWeight(20);
    const after = server!.weight();
    await Promise.all([before, after]);
    expect(Object.values(perProcess(executor, 'show stat'))).toEqual([2, 2, 2, 2]);
    expect(lines(executor)).toEqual([
      'show stat be_app -1 -1',
      'set weight be_app/s2 20',
      'show stat be_app -1 -1',
    ]);
  });

  it('nothing is cached after delivery: sequential reads each dump', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const frontend = await hap.frontend('fe_http');
    executor.calls.length = 0;
    await frontend.status();
    await frontend.status();
    expect(Object.values(perProcess(executor, 'show stat'))).toEqual([2, 2, 2, 2]);
  });
});

describe('aggregation across processes', () => {
  it('sums counters, maxes maxima, averages times, compares status/weight', async () => {
    const executor = fourProcesses((rows, index) => {
      set(rows, 'be_app', 's2', 'stot', 10 * (index + 1)); // 10+20+30+40
      set(rows, 'be_app', 's2', 'smax', index + 3); // max 6
      set(rows, 'be_app', 's2', 'ttime', index * 2); // 0 2 4 6 -> avg 3
      set(rows, 'be_app', 's2', 'req_tot', index + 1); // 1+2+3+4
    });
    const hap = await connect(executor);
    const [server] = await hap.server('s2', { backend: 'be_app' });
    expect(await server!.metric('stot')).toBe(100);
    expect(await server!.metric('smax')).toBe(6);
    expect(await server!.metric('ttime')).toBe(3);
    expect(await server!.requests()).toBe(10);
    expect((await server!.requestsPerProcess()).map(({ value }) => value)).toEqual([1, 2, 3, 4]);
    expect(await server!.status()).toBe('UP');
    expect(await server!.weight()).toBe(50);
    const perProcess = await server!.statsPerProcess();
    expect(perProcess).toHaveLength(4);
    expect(perProcess[3]!.stats.stot).toBe(40);
    expect(perProcess[3]!.process.pid).toBe(1003);
  });

  it('rejects with InconsistentDataError carrying every value when status or weight differ', async () => {
    const executor = fourProcesses((rows, index) => {
      if (index === 2) set(rows, 'be_app', 's1', 'status', 'DOWN');
      if (index === 3) set(rows, 'be_app', 's1', 'uweight', 7);
    });
    const hap = await connect(executor);
    const [server] = await hap.server('s1', { backend: 'be_app' });
    const status = await server!.status().catch((error: unknown) => error);
    expect(status).toBeInstanceOf(InconsistentDataError);
    expect((status as InconsistentDataError).values.map(({ value }) => value)).toEqual([
      'UP',
      'UP',
      'DOWN',
      'UP',
    ]);
    const weight = await server!.weight().catch((error: unknown) => error);
    expect(weight).toBeInstanceOf(InconsistentDataError);
    expect((weight as InconsistentDataError).field).toBe('weight');
  });

  it('keeps empty distinct from zero', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const tcp = await hap.frontend('fe_tcp');
    // fe_tcp is a TCP frontend: hrsp_2xx is empty in every process, not 0.
    expect(await tcp.metric('hrsp_2xx')).toBeNull();
    expect(await tcp.metric('scur')).toBe(0);
  });

  it('frontend maxConn is the sum of slim over processes; per process gives each', async () => {
    const executor = fourProcesses((rows, index) => set(rows, 'fe_http', 'FRONTEND', 'slim', 1000 + index));
    const hap = await connect(executor);
    const frontend = await hap.frontend('fe_http');
    expect(await frontend.maxConn()).toBe(4006);
    expect((await frontend.maxConnPerProcess()).map(({ value }) => value)).toEqual([1000, 1001, 1002, 1003]);
    // the catalogue sums limits (capacity); a configuration value must agree
    expect(await frontend.metric('slim')).toBe(4006);
  });

  it('with old workers: counters include them, status/weight/writes use current workers only', async () => {
    const processes = [makeProcess(0), makeProcess(1), makeProcess(2, false)];
    const executor = createTestExecutor(
      processes,
      responder((index) => {
        const rows = capturedRows();
        set(rows, 'be_app', 's2', 'stot', 5);
        if (index === 2) {
          set(rows, 'be_app', 's2', 'status', 'DOWN'); // a stopping worker may disagree
          set(rows, 'be_app', 's2', 'uweight', 1);
        }
        return rows;
      }),
    );
    const hap = await connect(executor);
    const [server] = await hap.server('s2', { backend: 'be_app' });
    expect(server!.processNb).toEqual([1000, 1001]);
    expect(await server!.metric('stot')).toBe(15);
    expect(await server!.status()).toBe('UP');
    expect(await server!.weight()).toBe(50);
    await server!.setWeight(10);
    const write = executor.calls.find((call) => call.line.startsWith('set weight'))!;
    expect(write.targets).toEqual([processes[0]!.key, processes[1]!.key]);
  });
});

describe('handles are reload-safe', () => {
  it('reads follow the name when a reload renumbers ids, and fail with NotFoundError when it is gone', async () => {
    let generation = 0;
    const executor = createTestExecutor(
      [makeProcess(0), makeProcess(1)],
      responder(() => {
        const rows = capturedRows();
        if (generation >= 1) {
          // reload: s1 and s2 swap sids, be_app gets a new iid, s2 weight changed
          set(rows, 'be_app', 's1', 'sid', 2);
          set(rows, 'be_app', 's2', 'sid', 1);
          for (const row of rows) if (row[0] === 'be_app') row[27] = '9';
        }
        if (generation >= 2) return rows.filter((row) => !(row[0] === 'be_app' && row[1] === 's2'));
        return rows;
      }),
    );
    const hap = await connect(executor);
    const [s2] = await hap.server('s2', { backend: 'be_app' });
    expect(s2!.sid).toBe(2);
    generation = 1;
    expect(await s2!.weight()).toBe(50); // s2's own weight, not s1's (1)
    expect(s2!.sid).toBe(2); // captured at lookup
    const [again] = await hap.server('s2', { backend: 'be_app' });
    expect(again).toBe(s2);
    expect(s2!.sid).toBe(1); // refreshed by the new lookup
    generation = 2;
    await expect(s2!.weight()).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.server('s2', { backend: 'be_app' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a backend removed by a reload ("No such proxy.") is NotFound, not an error of the dump', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const backend = await hap.backend('be_dyn');
    executor.responder = responder(() => capturedRows().filter((row) => row[0] !== 'be_dyn'));
    await expect(backend.status()).rejects.toBeInstanceOf(NotFoundError);
    await expect(backend.servers()).rejects.toBeInstanceOf(NotFoundError); // not an empty list
    await expect(backend.server('d1')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('writes are all-or-error', () => {
  it('a partial failure rejects with AggregateProcessError carrying each outcome', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const [server] = await hap.server('s1', { backend: 'be_app' });
    const base = executor.responder;
    executor.responder = (line, process, index) =>
      line.startsWith('set weight') && index === 1
        ? new CommandFailedError(line, 'No such server.\n')
        : base(line, process, index);
    const error = await server!.setWeight(3).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateProcessError);
    const aggregate = error as AggregateProcessError;
    expect(aggregate.succeeded).toHaveLength(3);
    expect(aggregate.failed.map(({ process }) => process.pid)).toEqual([1001]);
    expect(count(executor, 'set weight')).toBe(1); // not retried behind the caller's back
  });

  it('set server addr: differing success messages are success; an unexpected reply is a failure', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const [server] = await hap.server('s3', { backend: 'be_app' });
    const base = executor.responder;
    executor.responder = (line, process, index) =>
      line.startsWith('set server')
        ? index % 2
          ? "no need to change the addr by 'stats socket command'\n"
          : "IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n"
        : base(line, process, index);
    await server!.setAddress('127.0.0.2');
    expect(executor.calls.at(-1)!.line).toBe('set server be_app/s3 addr 127.0.0.2');
    executor.responder = (line, process, index) =>
      line.startsWith('set server')
        ? "Update for the current server address family is only supported through configuration file by 'stats socket command'\n"
        : base(line, process, index);
    await expect(server!.setAddress('::1')).rejects.toBeInstanceOf(CommandFailedError);
  });

  it('setPort keeps each process its own address, from one dump', async () => {
    const executor = fourProcesses((rows, index) =>
      set(rows, 'be_app', 's3', 'addr', index < 2 ? '127.0.0.1:8083' : '[::1]:8083'),
    );
    executor.responder = (
      (base) => (line: string, process: ProcessRef, index: number) =>
        line.startsWith('set server')
          ? "no need to change the addr, port changed from '8083' to '9000'\n"
          : base(line, process, index)
    )(executor.responder);
    const hap = await connect(executor);
    const [server] = await hap.server('s3', { backend: 'be_app' });
    executor.calls.length = 0;
    await server!.setPort(9000);
    expect(Object.values(perProcess(executor, 'show stat be_app -1 -1'))).toEqual([1, 1, 1, 1]);
    expect(
      executor.calls
        .filter((call) => call.line.startsWith('set'))
        .map((call) => [call.line, call.targets.length]),
    ).toEqual([
      ['set server be_app/s3 addr 127.0.0.1 port 9000', 2],
      ['set server be_app/s3 addr ::1 port 9000', 2],
    ]);
  });
});

describe('typed values', () => {
  it('address() and port() are right for IPv4, IPv6 and unix sockets', async () => {
    const executor = fourProcesses((rows) => {
      set(rows, 'be_app', 's2', 'addr', '[::1]:8443');
      set(rows, 'be_app', 's3', 'addr', 'unix');
    });
    const hap = await connect(executor);
    const [s1, s2, s3] = await hap.servers({ backend: 'be_app' });
    expect([await s1!.address(), await s1!.port()]).toEqual(['127.0.0.1', 8081]);
    expect([await s2!.address(), await s2!.port()]).toEqual(['::1', 8443]);
    expect([await s3!.address(), await s3!.port()]).toEqual(['unix', null]);
    await expect(s3!.setPort(80)).rejects.toThrow(/no TCP port/);
  });

  it('check fields are typed', async () => {
    const hap = await connect(fourProcesses());
    const [s1] = await hap.server('s1', { backend: 'be_app' });
    expect(await s1!.checkStatus()).toBe('L4OK');
    expect(await s1!.checkCode()).toBeNull();
    expect(await s1!.lastStatus()).toBeNull();
    expect(await s1!.lastAgentCheck()).toBeNull();
    const [s3] = await hap.server('s3', { backend: 'be_app' });
    expect(await s3!.status()).toBe('no check');
  });

  it('check status drops the "* " marker of a check in progress before comparing processes', async () => {
    const hap = await connect(
      fourProcesses((rows, index) => index === 1 && set(rows, 'be_app', 's1', 'check_status', '* L4OK')),
    );
    const [s1] = await hap.server('s1', { backend: 'be_app' });
    expect(await s1!.checkStatus()).toBe('L4OK');
    const entry = (await hap.snapshot()).server('be_app', 's1')!;
    expect(entry.stats.check_status).toBe('L4OK');
    expect(entry.perProcess[1]!.stats.check_status).toBe('* L4OK'); // per process: as HAProxy printed it
  });
});

describe('HAProxy-level reads', () => {
  it('sums limits, compares version/node, reads description as undefined when unset', async () => {
    const executor = createTestExecutor(
      [0, 1, 2].map((index) => makeProcess(index)),
      responder(
        () => capturedRows(),
        (index) =>
          INFO_TEXT.replace('Pid: 6873', `Pid: ${500 + index}`).replace(
            'Uptime_sec: 96',
            `Uptime_sec: ${96 - index}`,
          ),
      ),
    );
    const hap = await connect(executor);
    expect(await hap.maxConn()).toBe(6000);
    expect(await hap.rateLimitSess()).toBe(600);
    expect(await hap.rateLimitSslSess()).toBe(30);
    expect(await hap.rateLimitConn()).toBe(0);
    expect((await hap.maxConnPerProcess()).map(({ value }) => value)).toEqual([2000, 2000, 2000]);
    expect(await hap.processIds()).toEqual([500, 501, 502]);
    expect(await hap.version()).toBe('2.6.12-1+deb12u4');
    expect(await hap.releaseDate()).toBe('2026/10/17');
    expect(await hap.nodeName()).toBe('vm');
    expect(await hap.description()).toBeUndefined();
    expect(await hap.uptimeSec()).toBe(94);
    expect(await hap.totalRequests()).toBe(606);
    expect(await hap.metric('CumConns')).toBe(1335);
    expect(await hap.requests()).toBe(39); // fe_http 13 + fe_tcp 0 + li_stats 0, x3
    expect((await hap.info())[1]!.info.Pid).toBe(501);
    executor.responder = responder(
      () => capturedRows(),
      (index) => (index === 1 ? INFO_TEXT.replace('Version: 2.6.12-1+deb12u4', 'Version: 2.8.1') : INFO_TEXT),
    );
    const error = await hap.version().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InconsistentDataError);
    expect((error as InconsistentDataError).values.map(({ value }) => value)).toEqual([
      '2.6.12-1+deb12u4',
      '2.8.1',
      '2.6.12-1+deb12u4',
    ]);
  });

  it('frontends/backends/servers lookups', async () => {
    const hap = await connect(fourProcesses());
    expect((await hap.frontends()).map((frontend) => frontend.name)).toEqual([
      'fe_http',
      'fe_tcp',
      'li_stats',
    ]);
    expect((await hap.backends()).map((backend) => backend.name)).toEqual([
      'be_app',
      'be_api',
      'be_tcp',
      'be_dyn',
      'st_shared',
      'li_stats',
    ]);
    const backend = await hap.backend('be_app');
    expect(backend.iid).toBe(4);
    expect(backend.processNb).toEqual([1000, 1001, 1002, 1003]);
    expect((await backend.servers()).map((server) => server.key)).toContain('be_app/s5');
    expect((await backend.server('s2')).sid).toBe(2);
    await expect(backend.server('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.frontend('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.backend('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(hap.server('nosuch')).rejects.toBeInstanceOf(NotFoundError);
    expect(await hap.frontends('nosuch')).toEqual([]);
    expect(await backend.requests()).toBe(24); // HTTP backend: req_tot 6 x 4
    expect(await (await hap.backend('be_tcp')).requests()).toBe(4); // TCP backend: stot 1 x 4
  });
});

describe('identity and printing', () => {
  it('same instance per object within a client; key is source-independent', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const [a] = await hap.server('s1', { backend: 'be_app' });
    const [b] = await hap.server('s1', { backend: 'be_app' });
    expect(a).toBe(b);
    expect(a!.key).toBe('be_app/s1');
    const other = await connect(fourProcesses());
    const [c] = await other.server('s1', { backend: 'be_app' });
    expect(c).not.toBe(a);
    expect(c!.key).toBe(a!.key);
    expect(c!.equals(a)).toBe(true);
    const map = new Map([[a!, 1]]);
    expect(map.get(b!)).toBe(1);
    expect((await hap.frontend('li_stats')).key).toBe('frontend:li_stats');
    expect((await hap.backend('li_stats')).key).toBe('backend:li_stats');
  });

  it('prints usefully', async () => {
    const hap = await connect(fourProcesses());
    const [server] = await hap.server('s2', { backend: 'be_app' });
    expect(inspect(server, { breakLength: Number.POSITIVE_INFINITY })).toBe(
      "Server { key: 'be_app/s2', backend: 'be_app', name: 's2', sid: 2, processNb: [ 1000, 1001, 1002, 1003 ] }",
    );
    expect(inspect(await hap.frontend('fe_http'))).toMatch(/^Frontend \{ key: 'frontend:fe_http'/);
    expect(inspect(await hap.backend('be_app'))).toMatch(/^Backend \{ key: 'backend:be_app'/);
    expect(String(server)).toBe('Server(be_app/s2)');
    expect(JSON.parse(JSON.stringify(server))).toMatchObject({ kind: 'server', key: 'be_app/s2', sid: 2 });
    expect(server).toBeInstanceOf(Server);
    expect(await hap.frontend('fe_http')).toBeInstanceOf(Frontend);
    expect(await hap.backend('be_app')).toBeInstanceOf(Backend);
  });
});

describe('snapshot', () => {
  it('every object with aggregated and per-process values from one dump per process', async () => {
    const executor = fourProcesses((rows, index) => {
      set(rows, 'be_app', 's2', 'stot', index + 1);
      if (index === 3) set(rows, 'be_app', 's1', 'status', 'DOWN');
    });
    const hap = await connect(executor);
    executor.calls.length = 0;
    const snapshot = await hap.snapshot();
    expect(lines(executor)).toEqual(['show stat']);
    expect(perProcess(executor, 'show stat')).toEqual(
      Object.fromEntries(executor.list.map((process) => [process.key, 1])),
    );
    expect(snapshot.frontends.map((entry) => entry.name)).toEqual(['fe_http', 'fe_tcp', 'li_stats']);
    expect(snapshot.servers).toHaveLength(15);
    const s2 = snapshot.server('be_app', 's2')!;
    expect(s2.backendName).toBe('be_app');
    expect(s2.stats.stot).toBe(10);
    expect(s2.value('stot')).toBe(10);
    expect(s2.perProcess.map(({ stats }) => stats.stot)).toEqual([1, 2, 3, 4]);
    expect(s2.stats.status).toBe('UP');
    const s1 = snapshot.server('be_app', 's1')!;
    expect(s1.inconsistent).toContain('status');
    expect(s1.stats.status).toBeUndefined();
    expect(() => s1.value('status')).toThrow(InconsistentDataError);
    expect(s1.handle).toBe((await hap.server('s1', { backend: 'be_app' }))[0]);
    expect(snapshot.frontend('fe_http')!.stats.req_tot).toBe(52);
    expect(inspect(snapshot)).toMatch(/Snapshot \{.*servers: 15/s);
  });
});

describe('snapshot with an old worker', () => {
  it('counters include the old worker; configuration and status come from current workers', async () => {
    const executor = createTestExecutor(
      [makeProcess(0), makeProcess(1), makeProcess(2, false)],
      responder((index) => {
        const rows = capturedRows();
        set(rows, 'be_app', 's2', 'stot', 10 * (index + 1));
        if (index === 2) {
          set(rows, 'be_app', 's2', 'status', 'DOWN');
          rows.push(serverRow('be_app', 'removed', 9)); // only the old worker still has it
        }
        return rows;
      }),
    );
    const hap = await connect(executor);
    const snapshot = await hap.snapshot();
    expect(snapshot.processes.map((process) => process.current)).toEqual([true, true, false]);
    const s2 = snapshot.server('be_app', 's2')!;
    expect(s2.stats.stot).toBe(60);
    expect(s2.stats.status).toBe('UP');
    expect(s2.inconsistent).toEqual([]);
    const removed = snapshot.server('be_app', 'removed')!;
    expect(removed.perProcess.map(({ process }) => process.pid)).toEqual([1002]);
    expect(removed.stats.status).toBeNull(); // no current worker has it
    expect(removed.handle.processNb).toEqual([]);
  });
});

describe('bad input is refused before anything is sent', () => {
  const badNumbers: unknown[] = [
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    '10',
    null,
    undefined,
    2 ** 31,
    10n,
  ];

  it('every write method refuses bad numbers, states and names with InvalidArgumentError', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const frontend = await hap.frontend('fe_http');
    const [server] = await hap.server('s1', { backend: 'be_app' });
    executor.calls.length = 0;
    type Call = () => Promise<unknown>;
    const attempts: Call[] = numericWrites(hap, frontend, server!, badNumbers);
    for (const weight of [257, '50', '%', '-5%', '1e2%', '50 %', '50%;disable frontend fe_http']) {
      attempts.push(() => server!.setWeight(weight as number));
    }
    for (const port of [0, 65536]) attempts.push(() => server!.setPort(port));
    for (const state of ['up', '', 'ready;disable frontend fe_http', 'READY', 1]) {
      attempts.push(() => server!.setState(state as 'ready'));
    }
    for (const address of [
      '',
      'not_an_ip',
      '10.0.0.1;disable frontend fe_http',
      '10.0.0.1\n',
      '10.0.0.1:80',
      7,
    ]) {
      attempts.push(() => server!.setAddress(address as string));
    }
    for (const name of ['', 'be;x', 'be\nx', 'be x', 'be/x', 'a\\b', 7]) {
      attempts.push(
        () => hap.frontend(name as string),
        () => hap.backend(name as string),
        () => hap.backends(name as string),
        () => hap.frontends(name as string),
        () => hap.server(name as string),
        () => hap.server('s1', { backend: name as string }),
        () => hap.servers({ backend: name as string }),
      );
      if (typeof name === 'string') attempts.push(() => hap.errors(name));
    }
    attempts.push(
      () => hap.errors(-2),
      () => hap.errors(1.5),
      () => hap.metric('Maxconn;clear counters all' as 'Maxconn'),
      () => server!.metric('nosuch' as 'scur'),
      () => frontend.metric('weight' as 'scur'),
      () => hap.clearCounters({ all: 'yes' as unknown as boolean }),
    );
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(executor.calls).toEqual([]);
  });

  it('accepts the boundaries', async () => {
    const executor = fourProcesses();
    executor.responder = (
      (base) => (line: string, process: ProcessRef, index: number) =>
        line.startsWith('set server') && line.includes('addr')
          ? 'IP changed from'
          : line.startsWith('show errors')
            ? 'Total events captured on [25/Nov/2026:12:33:02.586] : 0\n'
            : base(line, process, index)
    )(executor.responder);
    const hap = await connect(executor);
    const [server] = await hap.server('s1', { backend: 'be_app' });
    executor.calls.length = 0;
    await server!.setWeight(0);
    await server!.setWeight(256);
    await server!.setWeight('50%');
    await server!.setPort(65535);
    await server!.setAddress('[::1]');
    await hap.setMaxConn(0);
    await hap.errors(0);
    await hap.errors('be_app');
    for (const state of ['ready', 'drain', 'maint', 'enable', 'disable'] as const)
      await server!.setState(state);
    expect(executor.calls.map((call) => call.line).filter((line) => !line.startsWith('show stat'))).toEqual([
      'set weight be_app/s1 0',
      'set weight be_app/s1 256',
      'set weight be_app/s1 50%',
      'set server be_app/s1 addr 127.0.0.1 port 65535',
      'set server be_app/s1 addr ::1',
      'set maxconn global 0',
      'show errors 0',
      'show errors be_app',
      'set server be_app/s1 state ready',
      'set server be_app/s1 state drain',
      'set server be_app/s1 state maint',
      'enable server be_app/s1',
      'disable server be_app/s1',
    ]);
  });
});

describe('signals', () => {
  it('an aborted caller rejects without aborting the shared dump of the others', async () => {
    const executor = fourProcesses();
    const hap = await connect(executor);
    const [s1, s2] = await hap.servers({ backend: 'be_app' });
    executor.delay = 20;
    const controller = new AbortController();
    const aborted = s1!.status({ signal: controller.signal });
    const other = s2!.status();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(await other).toBe('UP');
    expect(get(capturedRows(), 'be_app', 's2', 'status')).toBe('UP');
  });
});
