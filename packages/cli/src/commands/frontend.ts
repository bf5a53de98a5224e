/** `hapctl frontend …`: enable, disable, set-maxconn, shutdown. */
import { parseInteger } from '../args.js';
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { ExitCode } from '../errors.js';
import type { FrontendApi } from '../sdk-types.js';
import { reportDone } from './write.js';

async function frontendOf(context: Context): Promise<FrontendApi> {
  const hap = await context.hap();
  return hap.frontend(context.arg(0, 'FRONTEND'));
}

const processes = (frontend: FrontendApi) =>
  `${frontend.processNb.length} process${frontend.processNb.length === 1 ? '' : 'es'}`;

function simple(verb: 'enable' | 'disable', summary: string): CommandSpec {
  return {
    name: `frontend ${verb}`,
    summary,
    usage: [`frontend ${verb} FRONTEND`],
    args: [1, 1],
    connects: true,
    async run(context) {
      const frontend = await frontendOf(context);
      await frontend[verb]();
      return reportDone(context, `frontend ${frontend.name} ${verb}d on ${processes(frontend)}`, {
        action: verb,
        frontend: frontend.name,
        processes: frontend.processNb.length,
      });
    },
  };
}

export const frontendCommands: CommandSpec[] = [
  simple('enable', 'resume a paused frontend (accept connections again) on every process'),
  simple('disable', 'pause a frontend (stop accepting connections; reversible) on every process'),
  {
    name: 'frontend set-maxconn',
    summary: "set a frontend's maxconn on every process",
    usage: ['frontend set-maxconn FRONTEND N'],
    args: [2, 2],
    connects: true,
    async run(context) {
      const value = parseInteger(context.args[1], 'maxconn', context.command.name);
      const frontend = await frontendOf(context);
      await frontend.setMaxConn(value);
      return reportDone(context, `frontend ${frontend.name} maxconn ${value} on ${processes(frontend)}`, {
        action: 'set-maxconn',
        frontend: frontend.name,
        maxconn: value,
        processes: frontend.processNb.length,
      });
    },
  },
  {
    name: 'frontend shutdown',
    destructive: true,
    summary: 'stop a frontend for good, closing its listeners (irreversible until reload; asks first; --yes)',
    usage: ['frontend shutdown FRONTEND [--yes]'],
    options: ['yes'],
    args: [1, 1],
    connects: true,
    async run(context) {
      const frontend = await frontendOf(context);
      if (!(await confirm(context, `shut down frontend ${frontend.name} (irreversible until a reload)`))) {
        context.note('hapctl: aborted');
        return ExitCode.error;
      }
      await frontend.shutdown();
      return reportDone(context, `frontend ${frontend.name} shut down on ${processes(frontend)}`, {
        action: 'shutdown',
        frontend: frontend.name,
        processes: frontend.processNb.length,
      });
    },
  },
];
