/**
 * `hapctl demo`: a narrated tour on an embedded fake HAProxy cluster of 4 processes. Every step runs
 * the real `hapctl` command in-process on the same SDK client and prints what a user would see.
 */
import { HAProxy, HAProxyError } from '@haproxyadmin/sdk';
import { aclPlugin } from '@haproxyadmin/plugin-acl';
import { mapPlugin } from '@haproxyadmin/plugin-map';
import { createFakeCluster } from '@haproxyadmin/testing';
import type { CommandSpec, Context } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { DEMO_CONFIG, DEMO_FILES } from '../demo-config.js';
import type { CliIo } from '../io.js';
import type { Client } from '../sdk-types.js';

type Runner = (argv: readonly string[], io: CliIo, options: { client: Client }) => Promise<number>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'a narrated tour on an embedded 4-process fake HAProxy (nothing else needed)',
  usage: ['demo [--fast]'],
  details:
    'Starts a fake HAProxy cluster of 4 processes on Unix sockets in a temp folder, runs hapctl commands on it, and removes everything at the end.',
  options: ['fast'],
  args: [0, 0],
  connects: false,
  async run(context) {
    // Imported here to avoid a cycle (index.ts lists this command).
    const { run } = (await import('../index.js')) as { run: Runner };
    return runDemo(context, run);
  },
};

async function runDemo(context: Context, run: Runner): Promise<number> {
  const s = context.style;
  // Pauses only help a reader at a terminal; `--fast` (tests) and pipes get none.
  const pause = context.options.fast || !context.io.stdout.isTTY ? 0 : 900;
  let stepNumber = 0;
  const step = async (title: string, explanation?: string) => {
    if (pause && stepNumber > 0) await sleep(pause);
    stepNumber++;
    context.print('');
    context.print(s.bold(s.cyan(`━━ ${stepNumber}. ${title}`)));
    if (explanation) context.print(s.dim(explanation));
  };

  await step(
    'Start an embedded HAProxy',
    'A fake HAProxy of 4 processes (one stats socket each), from a real haproxy.cfg.',
  );
  const cluster = await createFakeCluster({ processes: 4, config: DEMO_CONFIG, files: DEMO_FILES });
  let hap: Client | undefined;
  try {
    context.print(`sockets in ${cluster.socketDir}`);
    const mapFile = `${cluster.socketDir}/hosts.map`;

    await step('Connect with the SDK');
    context.print(
      s.dim('  const hap = await HAProxy.connect({ socketDir, plugins: [aclPlugin(), mapPlugin()] });'),
    );
    hap = (await HAProxy.connect({
      socketDir: cluster.socketDir,
      plugins: [aclPlugin(), mapPlugin()],
    })) as unknown as Client;
    const client = hap;
    const processes = await client.executor.processes();
    context.print(`connected to ${processes.length} processes`);

    const hapctl = async (...argv: string[]) => {
      context.print(`${s.green('$')} ${s.bold(`hapctl ${argv.map(shellQuote).join(' ')}`)}`);
      // The tour is one narrative: the command's errors are shown in line, on stdout.
      const code = await run(argv, { ...context.io, stderr: context.io.stdout }, { client });
      if (code !== 0) context.print(s.dim(`(exit code ${code})`));
      return code;
    };

    await step('What is running', 'Counters and capacities are summed over the 4 processes.');
    await hapctl('info');

    await step(
      'Frontends, backends and servers',
      'One `show stat` per process, aggregated: PROCS says on how many processes each object lives.',
    );
    await hapctl('frontends');
    await hapctl('backends');
    await hapctl('servers');

    await step('Simulate traffic', 'Each process gets its share of requests; the tables show the totals.');
    cluster.processes.forEach((process, index) => {
      process.simulateTraffic({
        frontend: 'fe_http',
        backend: 'be_app',
        requests: 250 * (index + 1),
        current: index + 2,
      });
      process.simulateTraffic({
        frontend: 'fe_db',
        backend: 'be_db',
        server: 'db1',
        sessions: 40,
        current: 1,
      });
    });
    await hapctl('frontends');
    await hapctl('servers', '--backend', 'be_app');

    await step(
      'Drain a server and change a weight',
      'A write goes to every process and resolves only when all of them applied it.',
    );
    await hapctl('server', 'drain', 'be_app/web2');
    await hapctl('server', 'set-weight', 'be_app/web3', '25');
    await hapctl('servers', '--backend', 'be_app', '--per-process');

    await step(
      'A map value with a hostile payload',
      'The value contains `;` and spaces: escaped, stored exactly, and nothing else runs.',
    );
    const hostile = 'be_api; disable frontend fe_http';
    await hapctl('map', 'add', mapFile, 'shop.example.com', hostile);
    await hapctl('map', 'show', mapFile);
    const got = await client.map.get(mapFile, 'shop.example.com');
    const value = (got as { value?: unknown } | undefined)?.value;
    context.print(
      `read back: ${JSON.stringify(value)} ${value === hostile ? s.green('(exactly as written)') : s.red('(DIFFERENT!)')}`,
    );
    await hapctl('frontends', 'fe_http');

    await step(
      'Errors are typed',
      'A bad weight is refused before anything is sent; HAProxy refusing a command is a CommandFailedError.',
    );
    await hapctl('server', 'set-weight', 'be_app/web1', '300');
    try {
      const [web1] = await client.server('web1', { backend: 'be_app' });
      await web1!.setWeight(300);
    } catch (error) {
      describeError(context, error);
    }
    await hapctl('raw', 'set weight be_app/nosuch 10');
    try {
      const outcomes = await client.command('set weight be_app/nosuch 10');
      const failed = outcomes.find((outcome) => !outcome.ok);
      if (failed && !failed.ok) describeError(context, failed.error);
    } catch (error) {
      describeError(context, error);
    }

    await step('Done', 'Closing the client and the fake cluster.');
  } finally {
    await hap?.close().catch(() => {});
    await cluster.close();
  }
  context.print('Try it on your own HAProxy: hapctl --socket-dir /run/haproxy servers   (hapctl --help)');
  return 0;
}

function describeError(context: Context, error: unknown): void {
  const s = context.style;
  if (HAProxyError.isInstance(error)) {
    context.print(
      `  ${s.yellow(error.name)} code=${error.code} exit=${exitCodeFor(error)}: ${error.message}`,
    );
  } else {
    context.print(`  ${s.yellow(error instanceof Error ? error.name : 'Error')}: ${String(error)}`);
  }
}

function shellQuote(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
