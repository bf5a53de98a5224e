/**
 * `hapctl server …` beyond weight/state/address: drain --wait, health and agent, checks, maxconn,
 * dynamic servers (add/delete) and the per-process `show servers state`.
 */
import { parseDuration, parseInteger } from '../args.js';
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { CliNotFoundError, ExitCode, UsageError } from '../errors.js';
import { processJson, processLabel, status } from '../format.js';
import { createProgress } from '../progress.js';
import type { ServerApi } from '../sdk-types.js';
import { resolveServers } from './server.js';
import { applyToMany, reportDone } from './write.js';

const key = (server: ServerApi) => `${server.backendName}/${server.name}`;

/** Default deadline of `server drain --wait` (the SDK's is 60 s; a shell user wants an answer sooner). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/**
 * `server drain BACKEND/SERVER --wait` (or `--backend B --all --wait`): DRAIN, wait for the sessions
 * to end, MAINT. Several servers drain together, with one poll per tick.
 */
export async function drainAndWait(context: Context, spec: string | undefined): Promise<number> {
  const timeoutText = context.options['drain-timeout'];
  const timeout =
    timeoutText === undefined ? DEFAULT_DRAIN_TIMEOUT_MS : parseDuration(timeoutText, '--drain-timeout', 's');
  const servers = await resolveServers(context, spec);
  const what =
    servers.length === 1 ? key(servers[0]!) : `${servers.length} servers of ${context.options.backend}`;
  const progress = createProgress(context.io.stderr, `draining ${what}`);
  // Ctrl-C / SIGTERM stop waiting: the servers stay in DRAIN (nothing is undone), exit 130.
  const stop = new AbortController();
  const offs = (['SIGINT', 'SIGTERM'] as const).flatMap((signal) => {
    const off = context.io.onSignal?.(signal, () => stop.abort());
    return off ? [off] : [];
  });
  const options = {
    timeout,
    force: context.options['no-force'] !== true,
    signal: stop.signal,
    onProgress: (tick: { sessions: number }) =>
      progress.update(0, `${tick.sessions} session${tick.sessions === 1 ? '' : 's'} left`),
  };
  let result: Awaited<ReturnType<ServerApi['drain']>>;
  try {
    result =
      servers.length === 1
        ? await servers[0]!.drain(options)
        : await (await context.hap()).drainServers(servers, options);
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    progress.finish();
    context.note(`hapctl: interrupted: ${what} stay${servers.length === 1 ? 's' : ''} in DRAIN`);
    return ExitCode.interrupted;
  } finally {
    progress.finish();
    for (const off of offs) off();
  }
  const json = {
    ok: true,
    action: 'drain',
    ...(servers.length === 1 ? { server: key(servers[0]!) } : {}),
    servers: result.servers.map((entry) => ({
      server: key(entry.server),
      drained: entry.drained,
      remainingSessions: entry.remainingSessions,
    })),
    drained: result.drained,
    remainingSessions: result.remainingSessions,
    elapsedMs: result.elapsedMs,
  };
  if (context.json) context.printJson(json);
  else if (result.drained)
    context.print(
      `${context.style.green('✔')} drained: ${what} (no session left, ${seconds(result.elapsedMs)}), now MAINT`,
    );
  else
    context.print(
      `${context.style.yellow('!')} drain deadline: ${what} put in MAINT with ${result.remainingSessions} session(s) still open (${seconds(result.elapsedMs)})`,
    );
  return ExitCode.ok;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A command `server VERB BACKEND/SERVER VALUE` (or `--backend B --all VALUE`) with a fixed set of values. */
function choiceCommand(
  name: string,
  summary: string,
  values: readonly string[],
  apply: (server: ServerApi, value: string) => Promise<void>,
): CommandSpec {
  const verb = name.split(' ')[1]!;
  return {
    name,
    summary,
    usage: [`${name} BACKEND/SERVER ${values.join('|')}`, `${name} --backend B --all ${values.join('|')}`],
    options: ['backend', 'all'],
    args: [1, 2],
    connects: true,
    async run(context) {
      const all = context.options.all === true;
      if (context.args.length !== (all ? 1 : 2))
        throw new UsageError(`expected ${all ? '' : 'SERVER '}${values.join('|')}`, name);
      const value = context.args[all ? 0 : 1]!;
      if (!values.includes(value))
        throw new UsageError(
          `${verb} must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`,
          name,
        );
      const servers = await resolveServers(context, all ? undefined : context.args[0]);
      return applyToMany(context, `${verb} ${value}`, servers, key, (server) => apply(server, value), {
        action: verb,
        value,
      });
    },
  };
}

/** A command `server VERB BACKEND/SERVER` (or `--backend B --all`) without a value. */
function plainCommand(
  name: string,
  summary: string,
  apply: (server: ServerApi) => Promise<void>,
): CommandSpec {
  const verb = name.split(' ')[1]!;
  return {
    name,
    summary,
    usage: [`${name} BACKEND/SERVER`, `${name} --backend B SERVER`, `${name} --backend B --all`],
    options: ['backend', 'all'],
    args: [0, 1],
    connects: true,
    async run(context) {
      if (context.options.all && context.args.length > 0)
        throw new UsageError('give either a server or --all, not both', name);
      const servers = await resolveServers(context, context.options.all ? undefined : context.args[0]);
      return applyToMany(context, verb, servers, key, apply, { action: verb });
    },
  };
}

const setMaxConn: CommandSpec = {
  name: 'server set-maxconn',
  summary: "set a server's maxconn (0 = no limit) on every process",
  usage: ['server set-maxconn BACKEND/SERVER N', 'server set-maxconn --backend B --all N'],
  options: ['backend', 'all'],
  args: [1, 2],
  connects: true,
  async run(context) {
    const all = context.options.all === true;
    if (context.args.length !== (all ? 1 : 2)) throw new UsageError('expected SERVER N', this.name);
    const value = parseInteger(context.args[all ? 0 : 1], 'maxconn', this.name);
    const servers = await resolveServers(context, all ? undefined : context.args[0]);
    return applyToMany(context, `maxconn ${value}`, servers, key, (server) => server.setMaxConn(value), {
      action: 'set-maxconn',
      maxconn: value,
    });
  },
};

/** `BACKEND/SERVER` (or `SERVER` with `--backend`) without looking it up. */
function splitServer(context: Context, spec: string): { backend: string; name: string } {
  const slash = spec.indexOf('/');
  const backend = slash >= 0 ? spec.slice(0, slash) : context.options.backend;
  const name = slash >= 0 ? spec.slice(slash + 1) : spec;
  if (slash >= 0 && context.options.backend !== undefined && context.options.backend !== backend)
    throw new UsageError(`--backend ${context.options.backend} contradicts ${spec}`, context.command.name);
  if (!backend || !name)
    throw new UsageError(`expected BACKEND/SERVER, got ${JSON.stringify(spec)}`, context.command.name);
  return { backend, name };
}

const add: CommandSpec = {
  name: 'server add',
  summary: 'add a dynamic server on every process (starts in MAINT unless --enable)',
  usage: ['server add BACKEND/SERVER ADDRESS[:PORT] [--weight N] [--check] [--backup] [--enable]'],
  details:
    'The backend needs a dynamic balance algorithm (roundrobin, leastconn, first, random). The name is\n' +
    'checked free on every process first; if one process refuses, the others remove it again.\n' +
    'Without --enable the server starts in MAINT with checks off (then: hapctl server ready …).',
  options: ['backend', 'weight', 'check', 'backup', 'enable'],
  args: [2, 2],
  connects: true,
  async run(context) {
    const { backend, name } = splitServer(context, context.args[0]!);
    const address = context.args[1]!;
    const weightText = context.options.weight;
    const weight = weightText === undefined ? undefined : parseInteger(weightText, 'weight', this.name);
    if (weight !== undefined && weight > 256) throw new UsageError('weight must be 0-256', this.name);
    const hap = await context.hap();
    const proxy = await hap.backend(backend);
    await proxy.addServer(name, address, {
      ...(weight === undefined ? {} : { weight }),
      ...(context.options.check ? { check: true } : {}),
      ...(context.options.backup ? { backup: true } : {}),
      ...(context.options.enable ? { enable: true } : {}),
    });
    return reportDone(
      context,
      `added: ${backend}/${name} ${address}${context.options.enable ? '' : ' (MAINT)'}`,
      {
        action: 'add',
        server: `${backend}/${name}`,
        address,
        weight: weight ?? null,
        check: context.options.check === true,
        backup: context.options.backup === true,
        enabled: context.options.enable === true,
      },
    );
  },
};

const remove: CommandSpec = {
  name: 'server delete',
  destructive: true,
  summary: 'delete a dynamic server from every process (asks first; --yes)',
  usage: ['server delete BACKEND/SERVER [--drain-timeout D] [--shutdown-sessions] [--yes]'],
  details:
    'Puts the server in MAINT, then waits up to --drain-timeout (default 30s) for its sessions to end on\n' +
    'every process and deletes it. Sessions still open then: with --shutdown-sessions they are closed and the\n' +
    'server deleted; without it nothing is deleted, the server stays in MAINT and hapctl exits 6.\n' +
    '--shutdown-sessions without --drain-timeout closes them right away. A server tracked by others: exit 6.',
  options: ['backend', 'drain-timeout', 'shutdown-sessions', 'yes'],
  args: [1, 1],
  connects: true,
  async run(context) {
    const { backend, name } = splitServer(context, context.args[0]!);
    const timeoutText = context.options['drain-timeout'];
    const drainTimeout =
      timeoutText === undefined ? undefined : parseDuration(timeoutText, '--drain-timeout', 's');
    const hap = await context.hap();
    const proxy = await hap.backend(backend);
    await proxy.server(name);
    if (!(await confirm(context, `delete server ${backend}/${name}`))) {
      context.note('hapctl: aborted');
      return ExitCode.error;
    }
    // SDK: `drainTimeout` closes the sessions left after it; `timeout` is the deadline of the whole delete.
    const shutdownSessions = context.options['shutdown-sessions'] === true;
    await proxy.deleteServer(
      name,
      shutdownSessions
        ? drainTimeout === undefined
          ? { shutdownSessions: true }
          : { drainTimeout }
        : { timeout: drainTimeout ?? DEFAULT_DRAIN_TIMEOUT_MS },
    );
    return reportDone(context, `deleted: ${backend}/${name}`, {
      action: 'delete',
      server: `${backend}/${name}`,
    });
  },
};

const state: CommandSpec = {
  name: 'server state',
  summary: "a server's state on each process (show servers state: admin flags, health, weights)",
  usage: ['server state BACKEND/SERVER', 'server state --backend B SERVER'],
  options: ['backend'],
  args: [1, 1],
  connects: true,
  async run(context) {
    const [server] = await resolveServers(context, context.args[0]);
    const entries = await server!.state();
    if (entries.length === 0)
      throw new CliNotFoundError('server', key(server!), `server ${key(server!)} not found`);
    if (context.json) {
      context.printJson(
        entries.map(({ process, state: entry }) => ({
          process: processJson(process),
          server: `${entry.backendName}/${entry.serverName}`,
          address: entry.address ?? null,
          port: entry.port ?? null,
          operationalState: entry.operationalState,
          adminFlags: entry.adminFlags,
          maintenance: entry.maintenance,
          drain: entry.drain,
          checkStatus: entry.checkStatus ?? null,
          checkResult: entry.checkResult ?? null,
          checkState: entry.checkState,
          agentState: entry.agentState,
          fields: entry.fields,
        })),
      );
      return ExitCode.ok;
    }
    const admin = (entry: (typeof entries)[number]['state']) =>
      entry.maintenance ? 'MAINT' : entry.drain ? 'DRAIN' : 'READY';
    context.table(
      [
        { header: 'PROCESS', value: (row) => processLabel(row.process) },
        { header: 'ADMIN', value: (row) => status(context.style, admin(row.state)) },
        { header: 'OPERATIONAL', value: (row) => row.state.operationalState },
        {
          header: 'ADDRESS',
          value: (row) =>
            row.state.address === undefined
              ? '-'
              : `${row.state.address}${row.state.port ? `:${row.state.port}` : ''}`,
        },
        { header: 'WEIGHT', value: (row) => String(row.state.fields.srv_uweight ?? '-'), align: 'right' },
        { header: 'CHECK', value: (row) => row.state.checkStatus ?? '-' },
        { header: 'FLAGS', value: (row) => row.state.adminFlags.join(',') || '-' },
      ],
      entries,
    );
    return ExitCode.ok;
  },
};

export const serverExtraCommands: CommandSpec[] = [
  choiceCommand(
    'server health',
    'force the operational state (up, down, stopping) until the next check',
    ['up', 'down', 'stopping'],
    (server, value) => server.setHealth(value as 'up' | 'down' | 'stopping'),
  ),
  choiceCommand('server agent', 'force the agent state (up, down)', ['up', 'down'], (server, value) =>
    server.setAgent(value as 'up' | 'down'),
  ),
  plainCommand('server enable-health', 'resume health checks', (server) => server.enableHealth()),
  plainCommand('server disable-health', 'stop health checks', (server) => server.disableHealth()),
  plainCommand('server enable-agent', 'resume agent checks', (server) => server.enableAgent()),
  plainCommand('server disable-agent', 'stop agent checks', (server) => server.disableAgent()),
  setMaxConn,
  add,
  remove,
  state,
];
