import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeServerAdminState,
  ProtocolError,
  parseErrors,
  parseProc,
  parseServersConn,
  parseServersState,
  parseTable,
  parseUptime,
  parseWeight,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

describe('parseServersState', () => {
  it('reads columns by header and decodes the state fields', () => {
    const state = parseServersState(transcript('show-servers-state.txt'));
    expect(state.version).toBe(1);
    expect(state.columns).toHaveLength(25);
    expect(state.servers).toHaveLength(15);
    const s1 = state.servers[0]!;
    expect(s1).toMatchObject({
      backendId: 4,
      backendName: 'be_app',
      serverId: 1,
      serverName: 's1',
      address: '127.0.0.1',
      port: 8081,
      operationalState: 'running',
      adminFlags: [],
      maintenance: false,
      checkStatus: 'L4OK',
      checkResult: 'passed',
      checkState: ['configured', 'enabled'],
    });
    expect(s1.fields).toMatchObject({ srv_uweight: 1, srv_iweight: 1, srv_time_since_last_change: 16 });
    expect('srv_fqdn' in s1.fields).toBe(false);
    // `disabled` in the configuration: forced + configuration maintenance, checks paused.
    const s5 = state.servers[4]!;
    expect(s5).toMatchObject({
      serverName: 's5',
      operationalState: 'stopped',
      adminFlags: ['forced-maint', 'config-maint'],
      maintenance: true,
      drain: false,
      checkStatus: 'INI',
      checkState: ['paused'],
    });
  });

  it('decodes agents, failed checks, FQDNs and Unix-socket servers of a real capture', () => {
    const servers = parseServersState(real('show-servers-state.txt')).servers;
    const byName = (name: string) => servers.find((server) => server.serverName === name)!;
    expect(byName('s503')).toMatchObject({
      operationalState: 'stopped',
      checkStatus: 'L7STS',
      checkResult: 'failed',
    });
    expect(byName('sdown').checkStatus).toBe('L4CON');
    expect(byName('s6')).toMatchObject({ address: '::1', checkStatus: 'L7OK' });
    expect(byName('su')).toMatchObject({ address: undefined, port: 0 });
    expect(byName('sagent').agentState).toEqual(['configured', 'enabled', 'agent']);
    expect(byName('sname').fields.srv_fqdn).toBe('localhost');
  });

  it('decodes every admin flag', () => {
    expect(decodeServerAdminState(0x7f)).toEqual([
      'forced-maint',
      'inherited-maint',
      'config-maint',
      'forced-drain',
      'inherited-drain',
      'resolution-maint',
      'fqdn-changed',
    ]);
    expect(decodeServerAdminState(0x08)).toEqual(['forced-drain']);
  });

  it('rejects other replies', () => {
    expect(() => parseServersState("Can't find backend.\n\n")).toThrow(ProtocolError);
    expect(() => parseServersState('1\n# be_id be_name\n4 be_app x\n')).toThrow(/3 fields/);
  });
});

describe('parseServersConn', () => {
  it('reads the header-defined columns and per-thread idle counts', () => {
    const rows = parseServersConn(transcript('show-servers-conn.txt'));
    expect(rows[0]).toEqual({
      backendName: 'be_dyn',
      serverName: 'd1',
      backendId: 7,
      serverId: 1,
      fields: {
        addr: '127.0.0.1',
        port: 8081,
        purge_delay: 5000,
        used_cur: 0,
        used_max: 0,
        need_est: 0,
        unsafe_nb: 0,
        safe_nb: 0,
        idle_lim: -1,
        idle_cur: 0,
      },
      idlePerThread: [0, 0],
    });
    // A dynamic server added at runtime is printed without per-thread values by 2.6.12.
    expect(rows[1]).toMatchObject({
      serverName: 'new2',
      fields: { used_max: 1, idle_cur: 0 },
      idlePerThread: [],
    });
    const unix = parseServersConn(real('show-servers-conn.txt')).find((row) => row.serverName === 'su')!;
    expect(unix.fields.addr).toBeUndefined();
  });

  it('rejects short rows and other replies', () => {
    expect(() => parseServersConn("Can't find backend.\n")).toThrow(ProtocolError);
    expect(() => parseServersConn('# bkname/svname bkid/svid addr port\nbe/s 1/1 127.0.0.1\n')).toThrow(
      ProtocolError,
    );
  });
});

describe('parseProc', () => {
  it('reads the master and workers', () => {
    expect(parseProc(transcript('show-proc.txt'))).toEqual({
      master: {
        pid: 21696,
        type: 'master',
        reloads: 0,
        failedReloads: 0,
        uptime: '0d00h00m07s',
        uptimeSeconds: 7,
        version: '2.6.12-1+deb12u4',
      },
      workers: [
        {
          pid: 21697,
          type: 'worker',
          reloads: 0,
          uptime: '0d00h00m07s',
          uptimeSeconds: 7,
          version: '2.6.12-1+deb12u4',
        },
      ],
      oldWorkers: [],
      programs: [],
      oldPrograms: [],
    });
  });

  it('reads old workers after a reload and the failed-reload counter', () => {
    const reloaded = parseProc(real('show-proc-reloaded.txt'));
    expect(reloaded.master?.reloads).toBe(1);
    expect(reloaded.workers).toHaveLength(1);
    expect(reloaded.oldWorkers).toHaveLength(1);
    expect(reloaded.oldWorkers[0]!.reloads).toBe(1);
    expect(parseProc(transcript('show-proc-failed-reload.txt')).master).toMatchObject({
      reloads: 2,
      failedReloads: 1,
      uptimeSeconds: 387,
    });
  });

  it('reads the 2.0–2.4 format with relative PIDs', () => {
    const text =
      '#<PID>          <type>          <relative PID>  <reloads>       <uptime>        <version>\n' +
      '1162            master          0               5               0d00h02m07s     2.4.22\n' +
      '# workers\n1271            worker          1               0               0d00h00m00s     2.4.22\n' +
      '# old workers\n1233            worker          [was: 1]        3               0d00h00m43s     2.4.22\n' +
      '# programs\n1244            dataplane       -               1               0d00h00m43s     -\n\n';
    const proc = parseProc(text);
    expect(proc.master).toMatchObject({ pid: 1162, reloads: 5, relativePid: '0' });
    expect(proc.oldWorkers[0]).toMatchObject({ pid: 1233, relativePid: '[was: 1]', reloads: 3 });
    expect(proc.programs[0]).toMatchObject({ type: 'dataplane', version: '-' });
  });

  it('parses uptimes and rejects other replies', () => {
    expect(parseUptime('1d02h03m04s')).toBe(93784);
    expect(parseUptime('0d 0h00m15s')).toBe(15);
    expect(parseUptime('soon')).toBeUndefined();
    expect(() => parseProc("Can't find the target PID matching the prefix '@2'\n")).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseProc(`#<PID> <type> <reloads> <uptime> <version>\n${text}`);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('parseTable', () => {
  it('reads the table list', () => {
    expect(parseTable(transcript('show-table.txt'))).toEqual([
      { name: 'st_shared', type: 'string', size: 1024, used: 0, entries: [], restricted: false },
      { name: 'be_api', type: 'ip', size: 102400, used: 1, entries: [], restricted: false },
    ]);
  });

  it('reads entries with typed data, including rate periods', () => {
    const [table] = parseTable(transcript('show-table-be_api.txt'));
    expect(table!.entries).toEqual([
      {
        ref: '0x56010805c458',
        key: '127.0.0.1',
        use: 0,
        expire: 1694178,
        data: { conn_cur: 0, http_req_cnt: 6, 'http_req_rate(10000)': 0 },
      },
    ]);
  });

  it('unescapes string keys and flags contents hidden at user level', () => {
    const [users] = parseTable(real('show-table-st_users.txt'));
    expect(users!.entries.map((entry) => entry.key)).toEqual(['user with space', 'user42']);
    expect(users!.entries[1]!.data.gpc0).toBe(7);
    expect(parseTable(real('show-table-user-level.txt'))[0]).toMatchObject({
      name: 'be_odd',
      restricted: true,
      entries: [],
    });
  });

  it('decodes escaped non-ASCII bytes as UTF-8 and keeps an escaped backslash literal', () => {
    // `set table st key café\ x\\x41` on 2.6.12 dumps `key=caf\xC3\xA9\ x\\x41`.
    const [table] = parseTable(real('show-table-utf8.txt'));
    expect(table!.entries[0]!.key).toBe('café x\\x41');
    expect(table!.entries[0]!.data.gpc0).toBe(3);
  });

  it('rejects other replies', () => {
    expect(() => parseTable('No such table\n\n')).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseTable(`# table: t, type: ip, size:1, used:1\n${text}`);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('parseErrors', () => {
  it('reads request and response errors', () => {
    const report = parseErrors(real('show-errors.txt'));
    expect(report.total).toBe(2);
    expect(report.errors).toHaveLength(2);
    const [request, response] = report.errors;
    expect(request).toMatchObject({
      direction: 'request',
      proxy: 'fe_main',
      proxyId: 2,
      peer: undefined,
      peerId: -1,
      server: undefined,
      event: 1,
      source: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      length: 25,
      errorPosition: 7,
      bufferFree: 16359,
      wrapsAt: 16336,
      dump: ['00000  GARBAGE\\x01\\x02 NOT, "HTTP"\\r\\n', '00023  \\r\\n'],
    });
    expect(request!.details).toContain('H1 msg state MSG_RQMETH(2), H1 msg flags 0x00001400');
    expect(response).toMatchObject({
      direction: 'response',
      proxy: 'be_bad',
      proxyId: 5,
      peer: 'fe_main',
      peerId: 2,
      server: 'garbage',
      serverId: 1,
      errorPosition: 9,
    });
    expect(response!.dump).toHaveLength(3);
  });

  it('reads the transcript capture and an empty report', () => {
    expect(parseErrors(transcript('show-errors.txt')).errors[0]).toMatchObject({
      proxy: 'fe_http',
      length: 22,
    });
    expect(parseErrors(real('show-errors-none.txt'))).toMatchObject({ total: 2, errors: [] });
  });

  it('rejects other replies', () => {
    expect(() => parseErrors(real('error-permission.txt'))).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseErrors(`Total events captured on [x] : 1\n${text}`);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('parseWeight', () => {
  it('reads current and initial weights', () => {
    expect(parseWeight(transcript('get-weight.txt'))).toEqual({ current: 50, initial: 50 });
    expect(parseWeight('5 (initial 10)\n')).toEqual({ current: 5, initial: 10 });
    expect(() => parseWeight('No such server.\n\n')).toThrow(ProtocolError);
  });
});

describe('round trips', () => {
  it('show servers state: any rows written with the 2.6 header read back', () => {
    const header =
      'be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/);
    const row = fc.record({
      backendId: fc.nat(100000),
      backendName: name,
      serverId: fc.nat(100000),
      serverName: name,
      address: fc.option(fc.ipV4(), { nil: undefined }),
      op: fc.nat(3),
      admin: fc.nat(0x7f),
      port: fc.nat(65535),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 10 }), (rows) => {
        const lines = rows.map(
          (r) =>
            `${r.backendId} ${r.backendName} ${r.serverId} ${r.serverName} ${r.address ?? '-'} ${r.op} ${r.admin} 1 1 16 6 3 4 6 0 0 0 - ${r.port} - 0 0 - - 0`,
        );
        const parsed = parseServersState(`1\n# ${header}\n${lines.join('\n')}\n\n`);
        expect(
          parsed.servers.map((s) => [
            s.backendId,
            s.backendName,
            s.serverId,
            s.serverName,
            s.address,
            s.port,
          ]),
        ).toEqual(rows.map((r) => [r.backendId, r.backendName, r.serverId, r.serverName, r.address, r.port]));
        parsed.servers.forEach((server, index) => {
          const admin = rows[index]!.admin;
          expect(server.maintenance).toBe((admin & 0x23) !== 0);
          expect(server.drain).toBe((admin & 0x18) !== 0);
          expect(server.adminFlags).toHaveLength([...admin.toString(2)].filter((bit) => bit === '1').length);
          expect(server.operationalState).toBe(
            ['stopped', 'starting', 'running', 'stopping'][rows[index]!.op],
          );
        });
      }),
    );
  });

  it('show table: any string key written with HAProxy escaping reads back', () => {
    const escapeKey = (key: string) => key.replace(/[\\ ]/g, (char) => `\\${char}`);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((key) => !/[\n\t\r]/.test(key)),
        fc.nat(),
        (key, counter) => {
          const text = `# table: t, type: string, size:10, used:1\n0x55d1: key=${escapeKey(key)} use=0 exp=1000 gpc0=${counter}\n\n`;
          const [table] = parseTable(text);
          expect(table!.entries[0]).toEqual({
            ref: '0x55d1',
            key,
            use: 0,
            expire: 1000,
            data: { gpc0: counter },
          });
        },
      ),
    );
  });
});
