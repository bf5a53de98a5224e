/** `hapctl server …`: weight, state, drain, address, shutdown sessions. */
import { parseInteger } from '../args.js';
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { CliNotFoundError, ExitCode, UsageError } from '../errors.js';
import type { ServerApi, ServerStateName } from '../sdk-types.js';
import { drainAndWait, serverExtraCommands } from './server-extra.js';
import { applyToMany } from './write.js';

const STATES: readonly ServerStateName[] = ['ready', 'drain', 'maint', 'enable', 'disable'];

/** `BACKEND/SERVER`, or `SERVER` with `--backend`, or every server of `--backend` with `--all`. */
export async function resolveServers(context: Context, spec: string | undefined): Promise<ServerApi[]> {
  const hap = await context.hap();
  let backend = context.options.backend;
  if (context.options.all) {
    if (spec !== undefined)
      throw new UsageError('give either a server or --all, not both', context.command.name);
    if (backend === undefined) throw new UsageError('--all needs --backend B', context.command.name);
    const servers = await hap.servers({ backend });
    if (servers.length === 0)
      throw new CliNotFoundError(
        'server',
        `${backend}/*`,
        `backend ${JSON.stringify(backend)} has no servers`,
      );
    return servers;
  }
  if (spec === undefined)
    throw new UsageError('missing server (BACKEND/SERVER, or SERVER with --backend)', context.command.name);
  let name = spec;
  const slash = spec.indexOf('/');
  if (slash >= 0) {
    const fromSpec = spec.slice(0, slash);
    if (backend !== undefined && backend !== fromSpec) {
      throw new UsageError(`--backend ${backend} contradicts ${spec}`, context.command.name);
    }
    backend = fromSpec;
    name = spec.slice(slash + 1);
  }
  if (backend !== undefined) await hap.backend(backend);
  const servers = await hap.server(name, backend === undefined ? undefined : { backend });
  if (servers.length === 0) {
    throw new CliNotFoundError(
      'server',
      backend ? `${backend}/${name}` : name,
      `server ${JSON.stringify(name)} not found${backend ? ` in backend ${backend}` : ''}`,
    );
  }
  if (servers.length > 1) {
    const backends = servers.map((server) => server.backendName).join(', ');
    throw new UsageError(
      `server ${JSON.stringify(name)} is in several backends (${backends}): write BACKEND/${name} or use --backend`,
      context.command.name,
    );
  }
  return servers;
}

const key = (server: ServerApi) => `${server.backendName}/${server.name}`;

/** `50`, or `50%` (relative to the configured weight). */
export function parseWeight(text: string | undefined, command: string): number | `${number}%` {
  if (text !== undefined && /^\d+%$/.test(text)) return text as `${number}%`;
  if (text !== undefined && /^\d+$/.test(text)) return Number(text);
  throw new UsageError(
    `weight must be an integer 0-256 or a percentage like 50%, got ${JSON.stringify(text ?? '')}`,
    command,
  );
}

function serverSpec(context: Context, index: number): string | undefined {
  return context.options.all ? undefined : context.args[index];
}

const setWeight: CommandSpec = {
  name: 'server set-weight',
  summary: 'set a server weight (0-256, or N% of its configured weight) on every process',
  usage: [
    'server set-weight BACKEND/SERVER WEIGHT',
    'server set-weight --backend B SERVER WEIGHT',
    'server set-weight --backend B --all WEIGHT',
  ],
  options: ['backend', 'all'],
  args: [1, 2],
  connects: true,
  async run(context) {
    const weightText = context.args[context.options.all ? 0 : 1];
    const weight = parseWeight(weightText, this.name);
    if (context.args.length !== (context.options.all ? 1 : 2))
      throw new UsageError('expected SERVER WEIGHT', this.name);
    const servers = await resolveServers(context, serverSpec(context, 0));
    return applyToMany(context, `weight ${weight}`, servers, key, (server) => server.setWeight(weight), {
      action: 'set-weight',
      weight,
    });
  },
};

function stateCommand(name: string, fixed: ServerStateName | undefined, summary: string): CommandSpec {
  const drain = fixed === 'drain';
  return {
    name,
    summary,
    usage: fixed
      ? [
          `${name} BACKEND/SERVER`,
          `${name} --backend B SERVER`,
          `${name} --backend B --all`,
          ...(drain ? [`${name} BACKEND/SERVER --wait [--drain-timeout 30s] [--no-force]`] : []),
        ]
      : [`${name} BACKEND/SERVER ${STATES.join('|')}`, `${name} --backend B --all STATE`],
    ...(drain
      ? {
          details:
            'Without --wait: DRAIN and return (current sessions finish, no new ones).\n' +
            'With --wait: DRAIN, wait until no process (old workers included) has a session on the server, then\n' +
            'MAINT. At --drain-timeout (default 30s) the server is put in MAINT anyway (sessions left are not\n' +
            'closed; exit 0, "drained": false), or with --no-force left in DRAIN with exit 6. Ctrl-C stops waiting\n' +
            '(the server stays in DRAIN; exit 130).',
        }
      : {}),
    options: drain ? ['backend', 'all', 'wait', 'drain-timeout', 'no-force'] : ['backend', 'all'],
    args: fixed ? [0, 1] : [1, 2],
    connects: true,
    async run(context) {
      if (drain && context.options.wait) return drainAndWait(context, context.args[0]);
      if (drain && (context.options['drain-timeout'] !== undefined || context.options['no-force']))
        throw new UsageError('--drain-timeout and --no-force need --wait', name);
      let state = fixed;
      if (!state) {
        const text = context.args[context.options.all ? 0 : 1];
        if (!STATES.includes(text as ServerStateName)) {
          throw new UsageError(
            `state must be one of ${STATES.join(', ')}, got ${JSON.stringify(text ?? '')}`,
            name,
          );
        }
        state = text as ServerStateName;
        if (context.args.length !== (context.options.all ? 1 : 2))
          throw new UsageError('expected SERVER STATE', name);
      } else if (context.options.all && context.args.length > 0) {
        throw new UsageError('give either a server or --all, not both', name);
      }
      const servers = await resolveServers(context, serverSpec(context, 0));
      const chosen = state;
      return applyToMany(context, `state ${chosen}`, servers, key, (server) => server.setState(chosen), {
        action: 'set-state',
        state: chosen,
      });
    },
  };
}

const setAddr: CommandSpec = {
  name: 'server set-addr',
  summary: 'change a server address (and port) on every process',
  usage: ['server set-addr BACKEND/SERVER ADDRESS [PORT]'],
  options: ['backend'],
  args: [2, 3],
  connects: true,
  async run(context) {
    const [server] = await resolveServers(context, context.args[0]);
    const address = context.arg(1, 'ADDRESS');
    const port = context.args[2] === undefined ? undefined : parseInteger(context.args[2], 'port', this.name);
    if (port !== undefined && (port < 1 || port > 65535))
      throw new UsageError('port must be 1-65535', this.name);
    return applyToMany(
      context,
      `address ${address}${port === undefined ? '' : ` port ${port}`}`,
      [server!],
      key,
      async (target) => {
        await target.setAddress(address);
        if (port !== undefined) await target.setPort(port);
      },
      { action: 'set-addr', address, port: port ?? null },
    );
  },
};

const shutdown: CommandSpec = {
  name: 'server shutdown',
  destructive: true,
  summary: 'close every session of a server on every process (asks first; --yes)',
  usage: ['server shutdown BACKEND/SERVER [--yes]', 'server shutdown --backend B --all [--yes]'],
  options: ['backend', 'all', 'yes'],
  args: [0, 1],
  connects: true,
  async run(context) {
    const servers = await resolveServers(context, serverSpec(context, 0));
    const what =
      servers.length === 1 ? key(servers[0]!) : `${servers.length} servers of ${context.options.backend}`;
    if (!(await confirm(context, `shut down every session of ${what}`))) {
      context.note('hapctl: aborted');
      return ExitCode.error;
    }
    return applyToMany(context, 'sessions shut down', servers, key, (server) => server.shutdown(), {
      action: 'shutdown-sessions',
    });
  },
};

export const serverCommands: CommandSpec[] = [
  setWeight,
  stateCommand(
    'server set-state',
    undefined,
    'set a server admin state (ready, drain, maint, enable, disable)',
  ),
  stateCommand(
    'server drain',
    'drain',
    'drain a server: no new sessions, current ones finish (--wait: until none is left, then MAINT)',
  ),
  stateCommand('server ready', 'ready', 'put a server back in service (ready)'),
  stateCommand('server maint', 'maint', 'put a server in maintenance'),
  setAddr,
  shutdown,
  ...serverExtraCommands,
];
