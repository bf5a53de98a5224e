/**
 * Server writes of issue #8 (health/agent, check port, agent address/send, fqdn, maxconn, ssl),
 * `state()`, `serversState()` and `serversConn()`, on real HAProxy 2.6 processes and on the fake
 * cluster. Every effect is read back raw on every process; bad input is refused before sending.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CommandFailedError,
  HAProxy,
  InvalidArgumentError,
  NotFoundError,
  type Server,
} from '../src/index.js';
import {
  onEvery,
  raw,
  SERVERS_TARGETS,
  type ServersTarget,
  stateEverywhere,
  statEverywhere,
} from './servers-extra-targets.js';
import { waitFor } from './setup-wait.js';

for (const factory of SERVERS_TARGETS) {
  (factory.available ? describe : describe.skip)(`server writes: ${factory.name}`, () => {
    let target: ServersTarget;
    let hap: HAProxy;
    let n: number;
    const server = async (backend: string, name: string): Promise<Server> =>
      (await hap.backend(backend)).server(name);
    /** Raw `show servers state be` of every process, to prove a refused call changed nothing. */
    const everything = () => onEvery(target, (index) => raw(target, index, 'show servers state be'));
    /**
     * Drop what moves on its own while s1 is checked every 200 ms: the time since the last change
     * (column 9), the last check's status, result and health (10-12), and the "check in progress"
     * bit (1) of the check and agent states (13-14). The configured/enabled bits stay compared.
     */
    const withoutTimes = (texts: string[]) =>
      texts.map((text) =>
        text
          .split('\n')
          .map((line) => {
            if (line.startsWith('#') || !line.includes(' ')) return line;
            const columns = line.split(' ');
            for (const column of [9, 10, 11, 12]) columns[column] = '*';
            for (const column of [13, 14]) columns[column] = String(Number(columns[column]) & ~1);
            return columns.join(' ');
          })
          .join('\n'),
      );

    beforeAll(async () => {
      target = await factory.start();
      n = target.sockets.length;
      hap = await HAProxy.connect({ socketDir: target.socketDir, timeout: 5000 });
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });
    beforeEach(() => {
      target.fake?.processes.forEach((process) => {
        process.calls.length = 0;
      });
    });

    it('disableHealth / enableHealth: check state on every process', async () => {
      const s1 = await server('be', 's1');
      // s1 is checked every 200 ms: a check may be in progress (bit 1) whenever the state is read
      const checkState = async () =>
        (await stateEverywhere(target, 'be', 's1', 'srv_check_state')).map((value) =>
          String(Number(value) & ~1),
        );
      await s1.disableHealth();
      // CHK_ST_CONFIGURED only
      expect(await checkState()).toEqual(Array(n).fill('2'));
      expect(await statEverywhere(target, 'be', 's1', 'status')).toEqual(Array(n).fill('no check'));
      await s1.enableHealth();
      expect(await checkState()).toEqual(Array(n).fill('6'));
    });

    it('enableHealth without a configured check: HAProxy refuses on every process (CommandFailedError)', async () => {
      const s3 = await server('be', 's3');
      const error = await s3.enableHealth().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect((error as CommandFailedError).response.trim()).toBe(
        'Health check was not configured on this server, cannot enable.',
      );
      expect(await stateEverywhere(target, 'be', 's3', 'srv_check_state')).toEqual(Array(n).fill('0'));
    });

    it('disableAgent / enableAgent: agent state on every process; no agent → CommandFailedError', async () => {
      const s2 = await server('be', 's2');
      await s2.disableAgent();
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_state')).toEqual(Array(n).fill('18'));
      await s2.enableAgent();
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_state')).toEqual(Array(n).fill('22'));
      await expect((await server('be', 's1')).enableAgent()).rejects.toThrow(
        /Agent was not configured on this server/,
      );
    });

    it('setHealth down / stopping / up: operational state on every process', async () => {
      const s3 = await server('be', 's3');
      await s3.setHealth('down');
      expect(await stateEverywhere(target, 'be', 's3', 'srv_op_state')).toEqual(Array(n).fill('0'));
      expect(await s3.status()).toBe('DOWN');
      await s3.setHealth('stopping');
      expect(await stateEverywhere(target, 'be', 's3', 'srv_op_state')).toEqual(Array(n).fill('3'));
      expect(await s3.status()).toBe('NOLB');
      await s3.setHealth('up');
      expect(await stateEverywhere(target, 'be', 's3', 'srv_op_state')).toEqual(Array(n).fill('2'));
    });

    it('setAgent down / up on the agent server; without an agent HAProxy refuses', async () => {
      const s2 = await server('be', 's2');
      await s2.setAgent('down');
      expect(await stateEverywhere(target, 'be', 's2', 'srv_op_state')).toEqual(Array(n).fill('0'));
      await s2.setAgent('up');
      expect(await stateEverywhere(target, 'be', 's2', 'srv_op_state')).toEqual(Array(n).fill('2'));
      const error = await (await server('be', 's3')).setAgent('up').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect((error as CommandFailedError).response).toMatch(/agent checks are not enabled on this server/);
    });

    it('setCheckPort, setAgentAddress (+port), setAgentPort, setAgentSend: read back per process', async () => {
      const s1 = await server('be', 's1');
      const s2 = await server('be', 's2');
      await s1.setCheckPort(8080);
      expect(await stateEverywhere(target, 'be', 's1', 'srv_check_port')).toEqual(Array(n).fill('8080'));
      await s1.setCheckPort(0 + Number(await rawPortOf(target, 's1')));
      await s2.setAgentAddress('127.0.0.2');
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_addr')).toEqual(Array(n).fill('127.0.0.2'));
      await s2.setAgentAddress('127.0.0.3', { port: 4001 });
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_addr')).toEqual(Array(n).fill('127.0.0.3'));
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_port')).toEqual(Array(n).fill('4001'));
      await s2.setAgentPort(4002);
      expect(await stateEverywhere(target, 'be', 's2', 'srv_agent_port')).toEqual(Array(n).fill('4002'));
      // 2.6 prints no agent-send anywhere: success on every process is all that can be seen.
      await s2.setAgentSend('ready; weight 50%\\n');
      const error = await (await server('be', 's3')).setCheckPort(9000).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect((error as CommandFailedError).response).toMatch(/health checks are not enabled on this server/);
    });

    it('setMaxConn: slim on every process, read back by maxConn()', async () => {
      const s4 = await server('be', 's4');
      await s4.setMaxConn(100);
      expect(await statEverywhere(target, 'be', 's4', 'slim')).toEqual(Array(n).fill('100'));
      expect(await s4.maxConn()).toBe(100);
      await s4.setMaxConn(30);
      expect(await statEverywhere(target, 'be', 's4', 'slim')).toEqual(Array(n).fill('30'));
    });

    it('setSsl off / on where ssl is configured; HAProxy refuses elsewhere (its own answer)', async () => {
      const s5 = await server('be', 's5');
      await s5.setSsl(false);
      expect(await stateEverywhere(target, 'be', 's5', 'srv_use_ssl')).toEqual(Array(n).fill('0'));
      await s5.setSsl(true);
      expect(await stateEverywhere(target, 'be', 's5', 'srv_use_ssl')).toEqual(Array(n).fill('1'));
      const error = await (await server('be', 's1')).setSsl(true).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect((error as CommandFailedError).response).toMatch(
        /^'set server <srv> ssl' cannot be set\. {2}default-server should define ssl settings/,
      );
    });

    it('setFqdn without resolvers: HAProxy refuses on every process (CommandFailedError)', async () => {
      const error = await (await server('be', 's3'))
        .setFqdn('backend.example.com')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect((error as CommandFailedError).response).toMatch(
        /fqdn failed because no resolution is configured/,
      );
      expect(await stateEverywhere(target, 'be', 's3', 'srv_fqdn')).toEqual(Array(n).fill('-'));
    });

    it('bad input: InvalidArgumentError, nothing sent, state unchanged', async () => {
      const s1 = await server('be', 's1');
      const s2 = await server('be', 's2');
      const s4 = await server('be', 's4');
      // s1's check port was moved and restored above: let it be UP again before comparing states
      await waitFor(
        async () => (await statEverywhere(target, 'be', 's1', 'status')).every((status) => status === 'UP'),
        { what: 'be/s1 UP on every process' },
      );
      const before = withoutTimes(await everything());
      const bad: Array<() => Promise<unknown>> = [
        () => s1.setHealth('sideways' as never),
        () => s1.setHealth(undefined as never),
        () => s2.setAgent('stopping' as never),
        () => s1.setCheckPort(0),
        () => s1.setCheckPort(65536),
        () => s1.setCheckPort('80' as never),
        () => s1.setCheckPort(80.5),
        () => s2.setAgentAddress('not-an-ip'),
        () => s2.setAgentAddress('10.0.0.1', { port: 70000 }),
        () => s2.setAgentPort(-1),
        () => s2.setAgentSend(''),
        () => s2.setAgentSend('a\nb'),
        () => s2.setAgentSend(42 as never),
        () => s1.setFqdn('bad name'),
        () => s1.setFqdn('semi;colon.example'),
        () => s1.setFqdn(`${'a'.repeat(64)}.example`),
        () => s4.setMaxConn(-1),
        () => s4.setMaxConn(2 ** 31),
        () => s4.setMaxConn(Number.NaN),
        () => s1.setSsl('on' as never),
      ];
      for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(withoutTimes(await everything())).toEqual(before);
      if (target.fake) expect(target.calls().filter((line) => !line.startsWith('show'))).toEqual([]);
    });

    it('state(): show servers state per process, parsed (admin flags, op state, weights, check, agent)', async () => {
      const s4 = await server('be', 's4');
      await s4.setState('drain');
      try {
        const states = await s4.state();
        expect(states).toHaveLength(n);
        for (const { process, state } of states) {
          expect(process.current).toBe(true);
          expect(state.serverName).toBe('s4');
          expect(state.backendName).toBe('be');
          expect(state.adminFlags).toEqual(['forced-drain']);
          expect(state.drain).toBe(true);
          expect(state.maintenance).toBe(false);
          expect(state.operationalState).toBe('running');
          expect(state.fields.srv_uweight).toBe(7);
          expect(state.fields.srv_iweight).toBe(7);
        }
        // checks run on their own: a check may be in progress at the moment of the read
        const settled = (flags: readonly string[]) => flags.filter((flag) => flag !== 'in-progress');
        const agent = (await (await server('be', 's2')).state())[0]!.state;
        expect(settled(agent.agentState)).toEqual(['configured', 'enabled', 'agent']);
        const checked = (await (await server('be', 's1')).state())[0]!.state;
        expect(settled(checked.checkState)).toEqual(['configured', 'enabled']);
      } finally {
        await s4.setState('ready');
      }
    });

    it('Backend#serversState() and HAProxy#serversConn(): every server, per process', async () => {
      const states = await (await hap.backend('be')).serversState();
      expect(states).toHaveLength(n);
      for (const { servers } of states)
        expect(servers.map((entry) => entry.serverName)).toEqual(['s1', 's2', 's3', 's4', 's5']);
      const conns = await hap.serversConn('be_drain');
      expect(conns).toHaveLength(n);
      for (const { servers } of conns) {
        expect(servers.map((entry) => `${entry.backendName}/${entry.serverName}`)).toEqual([
          'be_drain/d1',
          'be_drain/d2',
        ]);
        expect(typeof servers[0]!.fields.used_cur).toBe('number');
      }
      // with sessions held: used_max / need_est 1 where the process had some, used_cur 0 (TCP)
      await target.hold(4);
      try {
        const scurs = await statEverywhere(target, 'be_drain', 'd1', 'scur');
        const held = await hap.serversConn('be_drain');
        held.forEach(({ process, servers }) => {
          const index = target.sockets.findIndex((socket) => process.endpoint.endsWith(socket));
          expect(index).toBeGreaterThanOrEqual(0);
          const d1 = servers.find((entry) => entry.serverName === 'd1')!;
          expect(d1.fields.used_cur).toBe(0);
          if (Number(scurs[index]) > 0) expect(d1.fields.used_max).toBe(1);
        });
      } finally {
        await target.release();
      }
      const all = await hap.serversConn();
      expect(all[0]!.servers.length).toBe(8);
      await expect(hap.serversConn('nosuch')).rejects.toBeInstanceOf(NotFoundError);
      await expect((await server('be', 's1')).state()).resolves.toHaveLength(n);
      await expect(hap.serversConn('bad name')).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}

async function rawPortOf(target: ServersTarget, name: string): Promise<string> {
  const text = await raw(target, 0, 'show servers state be');
  const row = text.split('\n').find((line) => line.split(' ')[3] === name)!;
  return row.split(' ')[18]!;
}
