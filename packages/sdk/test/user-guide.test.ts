/**
 * The Python haproxyadmin User Guide (HAProxy, frontend, backend and server operations), rewritten
 * with this SDK and run on 4 real HAProxy processes and on a 4-process fake cluster. Every effect is
 * checked on every process through its own socket, without the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend, Frontend, HAProxy, InvalidArgumentError, NotFoundError, Server } from '../src/index.js';
import { numericWrites } from './setup-bad-input.js';
import { type GuideTarget, onEvery, raw, rawInfo, rawStat, TARGETS } from './user-guide-targets.js';

const sum = (values: readonly (string | number)[]) =>
  values.reduce<number>((total, value) => total + Number(value || 0), 0);

for (const factory of TARGETS) {
  (factory.available ? describe : describe.skip)(`User Guide on 4 processes: ${factory.name}`, () => {
    let target: GuideTarget;
    let hap: HAProxy;

    beforeAll(async () => {
      target = await factory.start();
      hap = await HAProxy.connect({ socketDir: target.socketDir, timeout: 5000 });
      await target.traffic(8);
    });

    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });

    describe('HAProxy operations', () => {
      it('process ids, version, release date, node name, description, uptime', async () => {
        expect((await hap.processIds()).sort()).toEqual([...target.pids].sort());
        expect(await hap.version()).toBe(await rawInfo(target, 0, 'Version'));
        expect(await hap.releaseDate()).toBe(await rawInfo(target, 0, 'Release_date'));
        expect(await hap.nodeName()).toBe('guide-node');
        expect(await hap.description()).toBe('guide cluster');
        // uptimes move on their own: the SDK's read lies between a raw read before and one after
        const uptimes = async () =>
          (await onEvery(target, (i) => rawInfo(target, i, 'Uptime_sec'))).map(Number);
        const before = await uptimes();
        const uptimeSec = await hap.uptimeSec();
        const after = await uptimes();
        expect(uptimeSec).toBeGreaterThanOrEqual(Math.min(...before));
        expect(uptimeSec).toBeLessThanOrEqual(Math.max(...after));
        expect(await hap.uptime()).toMatch(/^\d+d\s+\d+h\d\dm\d\ds$/);
      });

      it('requests and metrics are sums over every process', async () => {
        const cumReq = sum(await onEvery(target, (i) => rawInfo(target, i, 'CumReq')));
        expect(Number(await hap.totalRequests())).toBe(cumReq);
        const reqTot = sum(
          await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'req_tot')),
        );
        expect(reqTot).toBe(8);
        expect(Number(await hap.requests())).toBe(8);
        expect(await hap.metric('Maxconn')).toBe(8000);
        const info = await hap.info();
        expect(info).toHaveLength(4);
        expect(info.map(({ info: record }) => record.Pid).sort()).toEqual([...target.pids].sort());
      });

      it('maxconn and rate limits: reads sum, writes reach every process', async () => {
        expect(await hap.maxConn()).toBe(8000);
        await hap.setMaxConn(1500);
        expect(await onEvery(target, (i) => rawInfo(target, i, 'Maxconn'))).toEqual([
          '1500',
          '1500',
          '1500',
          '1500',
        ]);
        expect(await hap.maxConn()).toBe(6000);
        expect((await hap.maxConnPerProcess()).map(({ value }) => value)).toEqual([1500, 1500, 1500, 1500]);

        await Promise.all([
          hap.setRateLimitConn(100),
          hap.setRateLimitSess(200),
          hap.setRateLimitSslSess(10),
        ]);
        expect(await onEvery(target, (i) => rawInfo(target, i, 'ConnRateLimit'))).toEqual([
          '100',
          '100',
          '100',
          '100',
        ]);
        expect(await onEvery(target, (i) => rawInfo(target, i, 'SessRateLimit'))).toEqual([
          '200',
          '200',
          '200',
          '200',
        ]);
        expect(await onEvery(target, (i) => rawInfo(target, i, 'SslRateLimit'))).toEqual([
          '10',
          '10',
          '10',
          '10',
        ]);
        expect(await hap.rateLimitConn()).toBe(400);
        expect(await hap.rateLimitSess()).toBe(800);
        expect(await hap.rateLimitSslSess()).toBe(40);
      });

      it('raw command, errors, clear counters', async () => {
        const outcomes = await hap.command('show version');
        expect(outcomes).toHaveLength(4);
        expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
        const errors = await hap.errors();
        expect(errors).toHaveLength(4);
        expect(errors[0]!.lines.join('\n')).toMatch(/Total events captured/);
        expect(await hap.errors('be_app')).toHaveLength(4);
        await hap.clearCounters({ all: true });
        expect(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'req_tot'))).toEqual([
          '0',
          '0',
          '0',
          '0',
        ]);
        expect(Number(await hap.requests())).toBe(0);
      });
    });

    describe('Frontend operations', () => {
      it('list, look up, status, metrics', async () => {
        const frontends = await hap.frontends();
        expect(frontends.map((frontend) => frontend.name)).toEqual(['fe_http', 'fe_tcp']);
        const frontend = await hap.frontend('fe_http');
        expect(frontend).toBeInstanceOf(Frontend);
        expect(frontend).toBe(frontends[0]);
        expect(frontend.processNb.slice().sort()).toEqual([...target.pids].sort());
        expect(frontend.iid).toBe(Number(await rawStat(target, 0, 'fe_http', 'FRONTEND', 'iid')));
        expect(await frontend.status()).toBe('OPEN');
        await target.traffic(4);
        expect(await frontend.requests()).toBe(4);
        expect(sum((await frontend.requestsPerProcess()).map(({ value }) => Number(value)))).toBe(4);
        expect(await frontend.metric('stot')).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'stot'))),
        );
        const stats = await frontend.statsPerProcess();
        expect(stats).toHaveLength(4);
        expect(stats.every(({ stats: row }) => row.pxname === 'fe_http' && row.svname === 'FRONTEND')).toBe(
          true,
        );
        await expect(hap.frontend('nosuch')).rejects.toBeInstanceOf(NotFoundError);
      });

      it('maxconn, disable, enable, shutdown', async () => {
        const frontend = await hap.frontend('fe_http');
        expect(await frontend.maxConn()).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'slim'))),
        );
        await frontend.setMaxConn(500);
        expect(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'slim'))).toEqual([
          '500',
          '500',
          '500',
          '500',
        ]);
        expect(await frontend.maxConn()).toBe(2000);

        await frontend.disable();
        const paused = await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'status'));
        expect(new Set(paused)).toEqual(new Set(['PAUSED']));
        expect(await frontend.status()).toBe('PAUSED');
        await frontend.enable();
        expect(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'status'))).toEqual([
          'OPEN',
          'OPEN',
          'OPEN',
          'OPEN',
        ]);
        expect(await frontend.status()).toBe('OPEN');

        const tcp = await hap.frontend('fe_tcp');
        await tcp.shutdown();
        expect(await onEvery(target, (i) => rawStat(target, i, 'fe_tcp', 'FRONTEND', 'status'))).toEqual([
          'STOP',
          'STOP',
          'STOP',
          'STOP',
        ]);
        expect(await tcp.status()).toBe('STOP');
      });
    });

    describe('Backend operations', () => {
      it('list, look up, status, requests, servers', async () => {
        const backends = await hap.backends();
        expect(backends.map((backend) => backend.name)).toEqual(['be_web', 'be_app', 'be_tcp']);
        const backend = await hap.backend('be_app');
        expect(backend).toBeInstanceOf(Backend);
        expect(backend.iid).toBe(Number(await rawStat(target, 0, 'be_app', 'BACKEND', 'iid')));
        expect(await backend.status()).toBe('UP');
        const web = await hap.backend('be_web');
        expect(await web.requests()).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'be_web', 'BACKEND', 'req_tot'))),
        );
        expect(await web.requests()).toBe(4);
        expect((await web.requestsPerProcess()).map(({ value }) => value)).toHaveLength(4);
        expect(await backend.metric('weight')).toBe(
          Number(await rawStat(target, 0, 'be_app', 'BACKEND', 'weight')),
        );
        expect((await backend.servers()).map((server) => server.name)).toEqual([
          's1',
          's2',
          's3',
          's4',
          's5',
        ]);
        expect((await backend.servers('s2')).map((server) => server.key)).toEqual(['be_app/s2']);
        const s2 = await backend.server('s2');
        expect(s2.sid).toBe(Number(await rawStat(target, 0, 'be_app', 's2', 'sid')));
        await expect(backend.server('nosuch')).rejects.toBeInstanceOf(NotFoundError);
        await expect(hap.backend('nosuch')).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('Server operations', () => {
      it('list and look up', async () => {
        expect((await hap.servers()).map((server) => server.key)).toEqual([
          'be_web/web1',
          'be_app/s1',
          'be_app/s2',
          'be_app/s3',
          'be_app/s4',
          'be_app/s5',
          'be_tcp/t1',
          'be_tcp/t2',
        ]);
        expect((await hap.servers({ backend: 'be_tcp' })).map((server) => server.name)).toEqual(['t1', 't2']);
        const [s1] = await hap.server('s1');
        expect(s1).toBeInstanceOf(Server);
        expect(s1!.backendName).toBe('be_app');
        expect((await hap.server('s1', { backend: 'be_app' }))[0]).toBe(s1);
        await expect(hap.server('s1', { backend: 'be_tcp' })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('status, health check fields, metrics', async () => {
        const [s1] = await hap.server('s1', { backend: 'be_app' });
        expect(await s1!.status()).toBe(await rawStat(target, 0, 'be_app', 's1', 'status'));
        expect(await s1!.checkStatus()).toBe(
          (await rawStat(target, 0, 'be_app', 's1', 'check_status')).replace(/^\* /, '') || null,
        );
        if (target.name === 'real') expect(await s1!.checkStatus()).toBe('L4OK');
        expect(await s1!.lastAgentCheck()).toBeNull();
        const [t2] = await hap.server('t2', { backend: 'be_tcp' });
        expect(await t2!.status()).toBe('MAINT');
        expect(await t2!.checkStatus()).toBeNull();
        const [web1] = await hap.server('web1');
        expect(await web1!.requests()).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'be_web', 'web1', 'req_tot'))),
        );
        expect(await web1!.metric('stot')).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'be_web', 'web1', 'stot'))),
        );
        expect(await web1!.metric('scur')).toBe(0);
      });

      it('weight: read, absolute, percentage', async () => {
        const [s2] = await hap.server('s2', { backend: 'be_app' });
        expect(await s2!.weight()).toBe(50);
        expect(await onEvery(target, (i) => raw(target, i, 'get weight be_app/s2'))).toEqual(
          Array(4).fill('50 (initial 50)\n\n'),
        );
        await s2!.setWeight(20);
        expect(await onEvery(target, (i) => raw(target, i, 'get weight be_app/s2'))).toEqual(
          Array(4).fill('20 (initial 50)\n\n'),
        );
        expect(await s2!.weight()).toBe(20);
        await s2!.setWeight('50%');
        expect(await onEvery(target, (i) => raw(target, i, 'get weight be_app/s2'))).toEqual(
          Array(4).fill('25 (initial 50)\n\n'),
        );
        expect(await s2!.weight()).toBe(25);
        await s2!.setWeight(256);
        expect(await s2!.weight()).toBe(256);
        await s2!.setWeight(50);
      });

      it('state: drain, maint, ready, disable, enable', async () => {
        const [s2] = await hap.server('s2', { backend: 'be_app' });
        const statuses = () => onEvery(target, (i) => rawStat(target, i, 'be_app', 's2', 'status'));
        await s2!.setState('drain');
        expect(await statuses()).toEqual(Array(4).fill('DRAIN'));
        expect(await s2!.status()).toBe('DRAIN');
        await s2!.setState('maint');
        expect(await statuses()).toEqual(Array(4).fill('MAINT'));
        await s2!.setState('ready');
        const ready = await statuses();
        expect(ready.every((status) => status !== 'MAINT' && status !== 'DRAIN')).toBe(true);
        await s2!.setState('disable');
        expect(await statuses()).toEqual(Array(4).fill('MAINT'));
        await s2!.setState('enable');
        expect(await statuses()).toEqual(ready);
      });

      it('address and port: IPv4, IPv6 and unix sockets', async () => {
        const [s2, s3, s4] = await hap.servers({ backend: 'be_app' }).then((all) => all.slice(1, 4));
        const addr = (name: string) => onEvery(target, (i) => rawStat(target, i, 'be_app', name, 'addr'));
        const port2 = Number((await addr('s2'))[0]!.split(':')[1]);
        expect(await s2!.address()).toBe('127.0.0.1');
        expect(await s2!.port()).toBe(port2);
        await s2!.setAddress('127.0.0.2');
        expect(await addr('s2')).toEqual(Array(4).fill(`127.0.0.2:${port2}`));
        expect(await s2!.address()).toBe('127.0.0.2');
        await s2!.setAddress('127.0.0.2'); // "no need to change the addr" is success too
        await s2!.setPort(23999);
        expect(await addr('s2')).toEqual(Array(4).fill('127.0.0.2:23999'));
        expect(await s2!.port()).toBe(23999);

        expect(await s3!.address()).toBe('::1');
        await s3!.setPort(23998);
        expect(await addr('s3')).toEqual(Array(4).fill('[::1]:23998'));
        expect(await s3!.port()).toBe(23998);

        // HAProxy 2.6 prints `unix` for a Unix-socket server (no path)
        const unix = (await addr('s4'))[0]!;
        expect(unix).toBe('unix');
        expect(await s4!.address()).toBe(unix);
        expect(await s4!.port()).toBeNull();
      });

      it('shutdown sessions', async () => {
        const [web1] = await hap.server('web1');
        await web1!.shutdown();
        expect(await web1!.status()).toBe(await rawStat(target, 0, 'be_web', 'web1', 'status'));
      });

      it('snapshot: every object with aggregated and per-process values', async () => {
        const snapshot = await hap.snapshot();
        expect(snapshot.processes).toHaveLength(4);
        expect(snapshot.frontends.map((entry) => entry.name)).toEqual(['fe_http', 'fe_tcp']);
        expect(snapshot.servers).toHaveLength(8);
        const s2 = snapshot.server('be_app', 's2')!;
        expect(s2.inconsistent).toEqual([]);
        expect(s2.stats.uweight).toBe(50);
        expect(s2.stats.addr).toBe('127.0.0.2:23999');
        expect(s2.perProcess).toHaveLength(4);
        expect(snapshot.frontend('fe_http')!.stats.req_tot).toBe(
          sum(await onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'req_tot'))),
        );
        expect(s2.handle).toBe((await hap.server('s2', { backend: 'be_app' }))[0]);
      });
    });

    describe('bad input never reaches HAProxy', () => {
      it('every write method refuses bad numbers and names, and no process changed', async () => {
        const state = () =>
          Promise.all([
            onEvery(target, (i) => raw(target, i, 'get weight be_app/s1')),
            onEvery(target, (i) => rawStat(target, i, 'be_app', 's1', 'status')),
            onEvery(target, (i) => rawStat(target, i, 'be_app', 's1', 'addr')),
            onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'slim')),
            onEvery(target, (i) => rawStat(target, i, 'fe_http', 'FRONTEND', 'status')),
            onEvery(target, (i) => rawInfo(target, i, 'Maxconn')),
            onEvery(target, (i) => rawInfo(target, i, 'ConnRateLimit')),
            onEvery(target, (i) => rawInfo(target, i, 'SessRateLimit')),
            onEvery(target, (i) => rawInfo(target, i, 'SslRateLimit')),
          ]);
        const before = await state();
        const frontend = await hap.frontend('fe_http');
        const [s1] = await hap.server('s1', { backend: 'be_app' });
        const bad: unknown[] = [
          'abc',
          '10',
          -1,
          1.5,
          Number.NaN,
          Number.POSITIVE_INFINITY,
          true,
          null,
          2 ** 31,
        ];
        const attempts = numericWrites(hap, frontend, s1!, bad);
        attempts.push(
          () => s1!.setWeight(257),
          () => s1!.setWeight('abc' as '1%'),
          () => s1!.setWeight('10%; disable frontend fe_http' as '1%'),
          () => s1!.setState('ready; disable frontend fe_http' as 'ready'),
          () => s1!.setAddress('127.0.0.9; disable frontend fe_http'),
          () => s1!.setAddress('not_an_ip'),
          () => hap.frontend('fe_http; disable frontend fe_http'),
          () => hap.frontend('fe_http\ndisable frontend fe_http'),
          () => hap.backend(''),
          () => hap.server('s1', { backend: 'be_app;' }),
        );
        for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidArgumentError);
        const after = await state();
        for (const [index, values] of after.entries())
          expect({ index, values }).toEqual({ index, values: before[index] });
      });
    });
  });
}
