import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { type ConnectionSession, serveConnection } from './cli-connection.js';
import {
  createFakeHAProxy,
  engineOf,
  type FakeHAProxy,
  type FakeHAProxyOptions,
  listenUnix,
  prepareDir,
} from './fake-haproxy.js';
import type { Fault } from './faults.js';
import { MasterCli, type MasterWorker } from './master-cli.js';

/** Options of {@link createFakeCluster}. */
export interface FakeClusterOptions
  extends Omit<FakeHAProxyOptions, 'socketDir' | 'index' | 'pid' | 'socketName'> {
  /** How many independent processes (each with its own state and counters). Default 1. */
  processes?: number;
  /** The folder for every socket. Default: a new temp folder, removed by `close()`. */
  socketDir?: string;
  /** Open a master CLI at `<socketDir>/master.sock` routing to the processes (`@1`, `@!<pid>`, `@master`). */
  master?: boolean;
  /** The first fake pid; the others follow. */
  basePid?: number;
}

/** A group of fake processes sharing one socket folder, optionally behind a master CLI. */
export interface FakeCluster {
  /** The folder holding every socket (give it to `HAProxy.connect({ socketDir })`). */
  readonly socketDir: string;
  /** The current processes; `processes[i]` is a {@link FakeHAProxy} with its own state. */
  readonly processes: FakeHAProxy[];
  /** Old workers still serving a held connection after a reload. */
  readonly oldProcesses: FakeHAProxy[];
  /** The master CLI socket, with `master: true`. */
  readonly masterSocket: string | undefined;
  /** The master's fake pid. */
  readonly masterPid: number;
  /** Number of reloads so far, and failed ones. */
  readonly reloads: number;
  readonly failedReloads: number;
  /**
   * Reload like the master does: each process is replaced by a new one (new pid, state re-read from
   * the config, optionally a new one) on the same sockets; an old process with an open connection
   * stays as an "old worker" (`Stopping: 1`) until that connection closes. An invalid config counts as
   * a failed reload and keeps the old processes.
   */
  reload(config?: string): Promise<void>;
  /**
   * The configuration the next reload loads when none is passed (what a master CLI `reload` reads
   * from disk): use it to change the config before `reload` through the master CLI.
   */
  setConfig(config: string): void;
  /**
   * Make the next reload fail like a refused configuration: the reload counter and `[failed: N]`
   * increase in `show proc`, the current workers keep serving.
   */
  failNextReload(): void;
  /** Arm a fault on the master CLI itself (e.g. `refuse-connections`, `close-mid-reply`). */
  injectMaster(fault: Fault): void;
  /** Reset every process (state, handlers, faults and calls) and the master's faults. */
  reset(): void;
  /** Close every process, the master and the folder. */
  close(): Promise<void>;
}

let clusterPid = 7000;

/**
 * Start `processes` fakes in one folder. Without `stats socket` lines in the config each process
 * listens on `<socketDir>/haproxy-<n>.sock`; with them, `${index}` in the paths tells processes apart.
 */
export async function createFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const { dir, owned } = prepareDir(options.socketDir);
  const count = options.processes ?? 1;
  const basePid = options.basePid ?? clusterPid;
  clusterPid += 100;
  let nextPid = basePid + 1;
  const masterPid = basePid;
  const now = options.clock ?? Date.now;
  const masterStart = now();
  let config = options.config;
  let reloads = 0;
  let failedReloads = 0;
  const started = new Map<FakeHAProxy, MasterWorker>();

  // Every process sees the same `${port:NAME}` numbers, like processes started from one config.
  const sharedPorts: Record<string, number> = { ...(options.ports ?? {}) };
  const startProcess = async (index: number, startReload: number): Promise<FakeHAProxy> => {
    const { processes: _p, master: _m, basePid: _b, socketDir: _s, ...rest } = options;
    const fake = await createFakeHAProxy({
      ...rest,
      ...(config === undefined ? {} : { config }),
      socketDir: dir,
      index,
      ports: sharedPorts,
      pid: nextPid++,
      socketName: count === 1 && !options.master ? 'haproxy.sock' : `haproxy-${index}.sock`,
    });
    started.set(fake, { pid: fake.pid, engine: engineOf(fake), startTime: now(), startReload });
    Object.assign(sharedPorts, fake.ports);
    return fake;
  };

  const processes: FakeHAProxy[] = [];
  const oldProcesses: FakeHAProxy[] = [];
  const timers = new Set<NodeJS.Timeout>();
  try {
    for (let index = 1; index <= count; index++) {
      const fake = await startProcess(index, 0);
      const clash = processes.find((other) =>
        other.sockets.some((s) => fake.sockets.some((t) => t.address === s.address)),
      );
      if (clash) {
        await fake.close();
        throw new Error(
          'createFakeCluster: the processes would share a stats socket; use ${index} in the `stats socket` paths',
        );
      }
      processes.push(fake);
    }
  } catch (error) {
    for (const fake of processes) await fake.close();
    if (owned) rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const retire = (fake: FakeHAProxy) => {
    fake.stopping = true;
    if (fake.connections === 0) {
      void fake.close();
      return;
    }
    oldProcesses.push(fake);
    const timer = setInterval(() => {
      if (fake.connections > 0) return;
      clearInterval(timer);
      timers.delete(timer);
      oldProcesses.splice(oldProcesses.indexOf(fake), 1);
      void fake.close();
    }, 25);
    timer.unref();
    timers.add(timer);
  };

  const masterConnections = new Set<Socket>();
  let master: Server | undefined;
  let pendingConfig: string | undefined;
  let failNext = false;
  const reload = async (requested?: string) => {
    reloads += 1;
    if (failNext) {
      failNext = false;
      failedReloads += 1;
      return;
    }
    const newConfig = requested ?? pendingConfig;
    pendingConfig = undefined;
    if (newConfig !== undefined) {
      try {
        const { parseConfig } = await import('./config-parser.js');
        const { renderConfig } = await import('./fake-haproxy.js');
        parseConfig(renderConfig(newConfig, dir, 1, {}), {
          dir,
          configPath: join(dir, 'haproxy.cfg'),
          now: now(),
        });
      } catch {
        failedReloads += 1;
        return;
      }
      config = newConfig;
    }
    failedReloads = 0;
    for (const connection of masterConnections) connection.end();
    const previous = [...processes];
    for (const fake of previous) await fake.stopListening();
    const fresh: FakeHAProxy[] = [];
    for (let index = 1; index <= previous.length; index++) fresh.push(await startProcess(index, reloads));
    processes.splice(0, processes.length, ...fresh);
    for (const fake of previous) retire(fake);
  };

  let masterSocket: string | undefined;
  let cli: MasterCli | undefined;
  if (options.master) {
    masterSocket = join(dir, 'master.sock');
    const masterCli = new MasterCli({
      pid: masterPid,
      version: options.version ?? '2.6.12-1+deb12u4',
      startTime: masterStart,
      now,
      get reloads() {
        return reloads;
      },
      get failedReloads() {
        return failedReloads;
      },
      workers: () => processes.map((fake) => started.get(fake)!),
      oldWorkers: () => oldProcesses.map((fake) => started.get(fake)!),
      reload: () => {
        void reload();
      },
    });
    master = createServer({ allowHalfOpen: true }, (connection) => {
      masterConnections.add(connection);
      connection.on('close', () => masterConnections.delete(connection));
      connection.on('error', () => undefined);
      if (masterCli.faults.takeConnectionFault()) {
        connection.destroy();
        return;
      }
      const session: ConnectionSession = {
        level: 'admin',
        prompt: false,
        severityOutput: 'none',
        timeout: 600_000,
      };
      serveConnection(connection, masterCli, session);
    });
    cli = masterCli;
    await listenUnix(master, masterSocket);
  }

  let closed = false;
  return {
    socketDir: dir,
    processes,
    oldProcesses,
    masterSocket,
    masterPid,
    get reloads() {
      return reloads;
    },
    get failedReloads() {
      return failedReloads;
    },
    reload,
    setConfig: (text) => {
      pendingConfig = text;
    },
    failNextReload: () => {
      failNext = true;
    },
    injectMaster: (fault) => {
      if (!cli) throw new Error('injectMaster: the cluster has no master CLI (master: true)');
      cli.faults.add(fault);
    },
    reset: () => {
      cli?.faults.clear();
      for (const fake of processes) fake.reset();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      for (const connection of masterConnections) connection.destroy();
      if (master) await new Promise<void>((resolve) => master!.close(() => resolve()));
      for (const fake of [...processes, ...oldProcesses]) await fake.close();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
}
