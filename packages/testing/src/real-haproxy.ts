import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HAProxyError } from '@haproxyadmin/protocol';

/** Thrown by {@link startHAProxy} when no `haproxy` binary can be found. */
export class HAProxyNotFoundError extends HAProxyError {
  override name = 'HAProxyNotFoundError';
  constructor(message: string) {
    super(message, { code: 'HAPROXY_ERR_NOT_INSTALLED' });
  }
}

/** Thrown by {@link startHAProxy} when HAProxy refuses the configuration or does not come up. */
export class HAProxyStartError extends HAProxyError {
  override name = 'HAProxyStartError';
  readonly output: string;
  constructor(message: string, output: string) {
    super(`${message}\n${output}`, { code: 'HAPROXY_ERR_START' });
    this.output = output;
  }
}

/** What a config function receives: the scratch folder and a free-port allocator. */
export interface ConfigContext {
  /** The temp folder HAProxy runs in; put sockets and files here. */
  dir: string;
  /** A free TCP port on 127.0.0.1, the same number for the same name within one start. */
  port(name: string): number;
  /** The index of the process (1-based) when `processes` > 1. */
  index: number;
}

export interface StartHAProxyOptions {
  /**
   * HAProxy configuration text, or a function building it. In a string, `${dir}` is replaced with the
   * scratch folder and `${port:NAME}` with a free port; `${index}` with the process index.
   */
  config: string | ((context: ConfigContext) => string);
  /** Extra files (ACL, map…) written into the folder before start; names are relative to it. */
  files?: Record<string, string>;
  /** Start N independent processes from the same config (each with its own `${index}`). Default 1. */
  processes?: number;
  /** Start in master-worker mode with a master CLI socket at `<dir>/master.sock`. */
  master?: boolean;
  /** The binary; default `$HAPROXY_BIN` or `haproxy` on `PATH`. */
  binary?: string;
  /** How long to wait for every stats socket to answer, in ms. Default 10 s. */
  timeout?: number;
}

export interface RealHAProxyProcess {
  /** 1-based index of the process. */
  index: number;
  /** The pid (the master's pid in master-worker mode). */
  pid: number;
  /** Path of the generated configuration file. */
  configPath: string;
  /** Every `stats socket` of the process: Unix paths and `ipv4@host:port` addresses as written. */
  sockets: string[];
}

export interface RealHAProxy {
  /** The scratch folder; removed by `stop()`. */
  dir: string;
  /** `haproxy -v` first line. */
  version: string;
  processes: RealHAProxyProcess[];
  /** The first Unix stats socket of the first process. */
  socket: string;
  /** The master CLI socket path, with `master: true`. */
  masterSocket: string | undefined;
  /** Ports handed out by `${port:NAME}` / `context.port(NAME)`. */
  ports: Record<string, number>;
  /** Send one command over a fresh connection to a Unix socket and return the whole reply. */
  send(command: string, socket?: string): Promise<string>;
  /** Stop every process and remove the folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where the `haproxy` binary is, or `undefined`. */
export function findHAProxyBinary(binary = process.env.HAPROXY_BIN): string | undefined {
  if (binary) return existsSync(binary) ? binary : undefined;
  for (const folder of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin'])) {
    const candidate = join(folder, 'haproxy');
    if (folder && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Send one command to a Unix or `host:port` TCP stats socket over a fresh connection. */
export function sendRaw(socket: string, command: string, timeout = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const tcp = /^(?:ipv4@|tcp:\/\/)?(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(socket);
    const connection = tcp ? createConnection(Number(tcp[2]), tcp[1]) : createConnection(socket);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      connection.destroy();
      reject(new Error(`no reply from ${socket} within ${timeout} ms`));
    }, timeout);
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk) => chunks.push(chunk));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    connection.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

function run(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForSocket(socket: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const reply = await sendRaw(socket, 'show version', 1000);
      if (reply.trim().length > 0) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`stats socket ${socket} did not answer in time`);
    await sleep(25);
  }
}

/**
 * Start a real HAProxy from configuration text in a temp folder, wait until every stats socket
 * answers, and return handles to talk to it and stop it.
 *
 * @throws {HAProxyNotFoundError} when no `haproxy` binary is installed (install it with
 *   `apt-get install -y haproxy`, or point `HAPROXY_BIN` at one).
 * @throws {HAProxyStartError} when HAProxy refuses the configuration or does not come up.
 */
export async function startHAProxy(options: StartHAProxyOptions): Promise<RealHAProxy> {
  const binary = findHAProxyBinary(options.binary);
  if (!binary) {
    throw new HAProxyNotFoundError(
      'No haproxy binary found (looked at $HAPROXY_BIN, PATH, /usr/sbin). Install it with `apt-get install -y haproxy` or set HAPROXY_BIN.',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'haproxyadmin-'));
  const ports: Record<string, number> = {};
  const count = options.processes ?? 1;
  const children: ChildProcess[] = [];
  const processes: RealHAProxyProcess[] = [];
  const pidFiles: string[] = [];
  let stopped = false;
  let version = '';
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const pidFile of pidFiles) {
      try {
        const pid = Number((await readFile(pidFile, 'utf8')).trim());
        if (pid > 0) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const child of children) child.kill('SIGTERM');
    await sleep(50);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [name, content] of Object.entries(options.files ?? {})) {
      await writeFile(join(dir, name), content.replaceAll('${dir}', dir));
    }
    version = (await run(binary, ['-v'], process.env)).output.split('\n')[0] ?? '';
    for (let index = 1; index <= count; index++) {
      const names: string[] = [];
      const portFor = (name: string) => {
        names.push(name);
        return ports[name] ?? 0;
      };
      // Two passes: collect the port names, allocate them, then render for real.
      const render = (): string =>
        typeof options.config === 'function'
          ? options.config({ dir, port: portFor, index })
          : options.config
              .replaceAll('${dir}', dir)
              .replaceAll('${index}', String(index))
              .replace(/\$\{port:([\w-]+)\}/g, (_, name: string) => String(portFor(name)));
      render();
      for (const name of names) ports[name] ??= await freePort();
      const text = render();
      const configPath = join(dir, count > 1 ? `haproxy${index}.cfg` : 'haproxy.cfg');
      const pidFile = join(dir, count > 1 ? `haproxy${index}.pid` : 'haproxy.pid');
      await writeFile(configPath, text);
      const check = await run(binary, ['-c', '-f', configPath], process.env);
      if (check.code !== 0) throw new HAProxyStartError(`haproxy -c refused ${configPath}`, check.output);
      const sockets = [...text.matchAll(/^\s*stats\s+socket\s+"?([^\s"]+)"?/gm)].map((match) => match[1]!);
      const args = options.master
        ? ['-W', '-D', '-S', `${join(dir, 'master.sock')},mode,600`, '-p', pidFile, '-f', configPath]
        : ['-D', '-p', pidFile, '-f', configPath];
      const started = await run(binary, args, process.env);
      if (started.code !== 0)
        throw new HAProxyStartError(`haproxy failed to start from ${configPath}`, started.output);
      pidFiles.push(pidFile);
      const deadline = Date.now() + (options.timeout ?? 10_000);
      for (const socket of sockets) await waitForSocket(socket.replace(/^unix@/, ''), deadline);
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      processes.push({ index, pid, configPath, sockets });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const first = processes[0]?.sockets.find((socket) => !/^(ipv4|ipv6|tcp)/.test(socket)) ?? '';
  return {
    dir,
    version,
    processes,
    socket: first.replace(/^unix@/, ''),
    masterSocket: options.master ? join(dir, 'master.sock') : undefined,
    ports,
    send: (command, socket = first) => sendRaw(socket.replace(/^unix@/, ''), command),
    stop,
  };
}
