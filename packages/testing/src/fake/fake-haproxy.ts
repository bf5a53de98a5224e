import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { type CliEngine, type ConnectionSession, serveConnection } from './cli-connection.js';
import {
  allowed,
  type CommandContext,
  type CommandHandler,
  type FakeProcessInfo,
  PERMISSION_DENIED,
  type Reply,
} from './command.js';
import { CLI_COMMANDS } from './commands/cli.js';
import { PATTERN_COMMANDS } from './commands/patterns.js';
import { PROXY_COMMANDS } from './commands/proxies.js';
import { SERVER_COMMANDS } from './commands/servers.js';
import { STATS_COMMANDS } from './commands/stats.js';
import { TABLE_COMMANDS } from './commands/tables.js';
import type { BuiltinCommand } from './commands/types.js';
import { sendRaw } from '../real-haproxy.js';
import { parseConfig } from './config-parser.js';
import { type Fault, FaultQueue } from './faults.js';
import { helpReply } from './help.js';
import { cloneState, type FakeState, findBackend, findFrontend, findServer, type Level } from './state.js';
import { configFromState, type FakeStateInput } from './state-input.js';
import { type SessionTarget, setSessions, simulateTraffic, type TrafficOptions } from './traffic.js';

/** Options of {@link createFakeHAProxy}. */
export interface FakeHAProxyOptions {
  /**
   * HAProxy configuration text (the same text that starts a real HAProxy). `${dir}` becomes the socket
   * folder, `${port:NAME}` a port from `ports` (or a stable number), `${index}` the process index.
   * Its `stats socket` lines decide which sockets are opened and at which level; without any, one admin
   * socket `<socketDir>/haproxy.sock` is opened.
   */
  config?: string;
  /** A plain state instead of configuration text. */
  state?: FakeStateInput;
  /** ACL / map files written into the socket folder before the config is read (name → content). */
  files?: Record<string, string>;
  /** The folder for sockets and files. Default: a new temp folder, removed by `close()`. */
  socketDir?: string;
  /** Also listen on TCP `127.0.0.1:0` (admin level). `fake.tcpAddress` tells the port. */
  tcp?: boolean;
  /** The fake pid shown by `show info` (default 1000 + index). */
  pid?: number;
  /** The version string (default `2.6.12-1+deb12u4`). */
  version?: string;
  /** A deterministic clock (ms). Default `Date.now`. */
  clock?: () => number;
  /** Handlers consulted before the built-in commands (plugins extend the fake this way). */
  handlers?: CommandHandler[];
  /**
   * Commands nobody handles are always answered like HAProxy ("Unknown command…") and listed in
   * `fake.unhandledCommands`; with `error`, `assertNoPendingFaults()` also fails on them (like msw's
   * `onUnhandledRequest: 'error'`).
   */
  onUnhandledCommand?: 'haproxy' | 'error';
  /** Values for `${port:NAME}` placeholders (others get a free port). */
  ports?: Record<string, number>;
  /** The process index for `${index}` (cluster members). Default 1. */
  index?: number;
  /** The config file name used in `show acl` descriptions. Default `<socketDir>/haproxy.cfg`. */
  configPath?: string;
  /** The socket file name used when the config declares no `stats socket`. Default `haproxy.sock`. */
  socketName?: string;
}

/** One recorded command. */
export interface CallRecord {
  /** The command text (one element of a `;` chain). */
  line: string;
  /** The words after escape processing. */
  args: string[];
  /** The socket it came in on (path or `host:port`). */
  socket: string;
  /** The session level when it ran. */
  level: Level;
  /** Clock ms. */
  time: number;
  payload?: string;
}

/** A listening socket of a fake. */
export interface FakeSocket {
  /** Unix path, or `127.0.0.1:port`. */
  address: string;
  level: Level;
}

/** A fake HAProxy process speaking the Runtime API on real sockets. */
export interface FakeHAProxy {
  /** The first admin Unix socket path. */
  readonly socket: string;
  /** Every socket with its level. */
  readonly sockets: readonly FakeSocket[];
  /** The folder holding the sockets. */
  readonly socketDir: string;
  /** `{ host, port }` of the TCP listener, with `tcp: true`. */
  readonly tcpAddress: { host: string; port: number } | undefined;
  /** The fake pid. */
  readonly pid: number;
  /** Numbers given to `${port:NAME}` placeholders of the config. */
  readonly ports: Record<string, number>;
  /** The live state (mutate it to set up a test). */
  readonly state: FakeState;
  /** Every command received, in order. */
  readonly calls: CallRecord[];
  /** Set when an old worker is being replaced (master reload): `show info` reports `Stopping: 1`. */
  stopping: boolean;
  /** The path of a socket at a level (the first one found), or undefined. */
  socketFor(level: Level): string | undefined;
  /** Prepend handlers for this test; `resetHandlers()` removes them. */
  use(...handlers: CommandHandler[]): void;
  resetHandlers(): void;
  /** Arm a fault. */
  inject(fault: Fault): void;
  /** Throw if a non-persistent fault has not fired (or, with `onUnhandledCommand: 'error'`, a command was unknown). */
  assertNoPendingFaults(): void;
  /** Commands that no handler or built-in knew. */
  readonly unhandledCommands: readonly string[];
  /** Restore the initial state, handlers, faults and calls. */
  reset(): void;
  /** Bump counters, sessions and rates as if traffic went through. */
  simulateTraffic(options: TrafficOptions): void;
  /**
   * Hold `count` sessions open on a server (its `scur`, its backend's and the frontend's when
   * given); lower it later to let a drain progress. `shutdown sessions server` closes them.
   */
  setSessions(target: SessionTarget, count: number): void;
  /**
   * Re-read the configuration (optionally a new one) like a reload: state is rebuilt and proxy and
   * server ids are renumbered; run-time changes are lost.
   */
  reload(config?: string): void;
  /** Send one command over a fresh connection and return the whole reply. */
  send(command: string, socket?: string): Promise<string>;
  /** Number of open client connections. */
  readonly connections: number;
  /** Stop listening but keep open connections (old worker after a reload). */
  stopListening(): Promise<void>;
  /** Close every listener and connection and remove the temp folder. */
  close(): Promise<void>;
}

const BUILTINS: BuiltinCommand[] = [
  ...STATS_COMMANDS,
  ...SERVER_COMMANDS,
  ...PROXY_COMMANDS,
  ...PATTERN_COMMANDS,
  ...TABLE_COMMANDS,
  ...CLI_COMMANDS,
];

function findBuiltin(args: string[]): BuiltinCommand | undefined {
  let best: BuiltinCommand | undefined;
  for (const builtin of BUILTINS) {
    if (builtin.words.every((word, index) => args[index] === word)) {
      if (!best || builtin.words.length > best.words.length) best = builtin;
    }
  }
  return best;
}

let nextPid = 4242;

/** Render the placeholders of configuration text the way `startHAProxy` does. */
export function renderConfig(
  config: string,
  dir: string,
  index: number,
  ports: Record<string, number>,
): string {
  let port = 22900;
  return config
    .replaceAll('${dir}', dir)
    .replaceAll('${index}', String(index))
    .replace(/\$\{port:([\w-]+)\}/g, (_, name: string) => {
      ports[name] ??= port++;
      return String(ports[name]);
    });
}

/** The engine of one fake process (shared by its sockets and by a master CLI routing to it). */
export class FakeProcess implements CliEngine {
  readonly faults = new FaultQueue();
  readonly calls: CallRecord[] = [];
  handlers: CommandHandler[] = [];
  readonly baseHandlers: CommandHandler[];
  state: FakeState;
  initial: FakeState;
  readonly info: FakeProcessInfo;
  readonly now: () => number;
  readonly unhandled: 'haproxy' | 'error';
  /** Commands no handler and no built-in knew (answered like HAProxy's "Unknown command"). */
  readonly unhandledCommands: string[] = [];
  #configText: string;
  readonly #parse: (text: string) => FakeState;

  constructor(
    configText: string,
    parse: (text: string) => FakeState,
    info: FakeProcessInfo,
    now: () => number,
    handlers: CommandHandler[],
    unhandled: 'haproxy' | 'error',
  ) {
    this.#configText = configText;
    this.#parse = parse;
    this.state = parse(configText);
    this.initial = cloneState(this.state);
    this.info = info;
    this.now = now;
    this.baseHandlers = handlers;
    this.unhandled = unhandled;
  }

  prompt(session: ConnectionSession): string {
    void session;
    return '> ';
  }

  promptOn(session: ConnectionSession): string {
    void session;
    return '\n> ';
  }

  /** Re-read the configuration (renumbering ids). */
  reload(config?: string): void {
    if (config !== undefined) this.#configText = config;
    this.state = this.#parse(this.#configText);
    this.initial = cloneState(this.state);
  }

  async execute(
    args: string[],
    line: string,
    payload: string | undefined,
    session: ConnectionSession,
  ): Promise<Reply> {
    const reload = session.pendingReload;
    if (reload) {
      session.pendingReload = undefined;
      this.reload(reload.config);
    }
    const socket = (session as ConnectionSession & { socketName?: string }).socketName ?? '';
    this.calls.push({
      line: line.trim(),
      args,
      socket,
      level: session.level,
      time: this.now(),
      ...(payload === undefined ? {} : { payload }),
    });
    const context: CommandContext = {
      args,
      line,
      payload,
      level: session.level,
      session,
      state: this.state,
      now: this.now(),
      process: this.info,
    };
    for (const handler of [...this.handlers, ...this.baseHandlers]) {
      if (!handler.matches(args, line)) continue;
      const result = await handler.handle(context);
      if (result === undefined) continue;
      return typeof result === 'string' ? { text: result } : result;
    }
    if (args.length === 0) return helpReply([], false);
    const builtin = findBuiltin(args);
    if (!builtin) {
      this.unhandledCommands.push(line.trim());
      return helpReply(args, false);
    }
    if (!allowed(session.level, builtin.level)) return PERMISSION_DENIED;
    return builtin.handle(context);
  }
}

/** Create the temp folder or use the given one. */
export function prepareDir(socketDir: string | undefined): { dir: string; owned: boolean } {
  if (socketDir) {
    mkdirSync(socketDir, { recursive: true });
    return { dir: socketDir, owned: false };
  }
  return { dir: mkdtempSync(join(tmpdir(), 'haproxyadmin-fake-')), owned: true };
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Listen on a Unix path (removing a stale socket file first). */
export function listenUnix(server: Server, path: string): Promise<void> {
  if (existsSync(path)) unlinkSync(path);
  mkdirSync(dirname(path), { recursive: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Start a fake HAProxy on real Unix sockets (and optionally TCP), with state from configuration text
 * or a plain object.
 *
 * @example
 * const fake = await createFakeHAProxy({ config: haproxyCfg });
 * await fake.send('show stat');
 * await fake.close();
 */
export async function createFakeHAProxy(options: FakeHAProxyOptions = {}): Promise<FakeHAProxy> {
  const { dir, owned } = prepareDir(options.socketDir);
  const index = options.index ?? 1;
  const ports = { ...(options.ports ?? {}) };
  let source = options.config;
  const files = { ...(options.files ?? {}) };
  let adjust: ((state: FakeState) => void) | undefined;
  if (source === undefined) {
    const fromState = configFromState(options.state ?? {});
    source = fromState.config;
    adjust = fromState.adjust;
    Object.assign(files, fromState.files);
  }
  // `${port:NAME}` gets a free port (so a TCP `stats socket` on it can really listen).
  for (const match of source.matchAll(/\$\{port:([\w-]+)\}/g)) ports[match[1]!] ??= await freePort();
  for (const [name, content] of Object.entries(files)) {
    const path = isAbsolute(name) ? name : join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content.replaceAll('${dir}', dir));
  }
  const now = options.clock ?? Date.now;
  const configPath = options.configPath ?? join(dir, 'haproxy.cfg');
  const parse = (text: string) => {
    const state = parseConfig(renderConfig(text, dir, index, ports), {
      dir,
      configPath,
      files: {},
      now: now(),
      // Each process of a cluster has its own heap, hence its own entry references.
      refBase: 0x55d0c0a01000 + (index - 1) * 0x10_0000_0000,
    });
    adjust?.(state);
    return state;
  };
  const pid = options.pid ?? nextPid++;
  const processInfo: FakeProcessInfo = {
    pid,
    version: options.version ?? '2.6.12-1+deb12u4',
    releaseDate: '2026/10/17',
    startTime: now(),
    stopping: false,
    dir,
    sessions: [],
    sessEpoch: 0,
  };
  const engine = new FakeProcess(
    source,
    parse,
    processInfo,
    now,
    options.handlers ?? [],
    options.onUnhandledCommand ?? 'haproxy',
  );
  if (engine.state.global.node === 'fake-haproxy') engine.state.global.node = hostname();
  engine.initial = cloneState(engine.state);

  const listeners: Server[] = [];
  let nextSessionId = 0x563c3159ed00 + pid * 0x10000;
  const firstFd = 16;
  const lowestFreeFd = () => {
    const used = new Set(processInfo.sessions.map((entry) => entry.fd));
    let fd = firstFd;
    while (used.has(fd)) fd++;
    return fd;
  };
  const sockets: FakeSocket[] = [];
  const open = new Set<Socket>();
  const configured = engine.state.global.sockets.length
    ? engine.state.global.sockets
    : [{ address: join(dir, options.socketName ?? 'haproxy.sock'), level: 'admin' as Level }];
  const serve = (address: string, level: Level, listenerId: number) => (connection: Socket) => {
    open.add(connection);
    connection.on('close', () => open.delete(connection));
    connection.on('error', () => undefined);
    engine.state.global.cumConns += 1;
    if (engine.faults.takeConnectionFault()) {
      connection.destroy();
      return;
    }
    const session: ConnectionSession & { socketName: string } = {
      level,
      prompt: false,
      severityOutput: 'none',
      timeout: engine.state.global.statsTimeout,
      bufsize: engine.state.global.bufsize,
      socketName: address,
    };
    const tcp = /^\d/.test(address);
    const entry = {
      id: nextSessionId,
      proto: tcp ? 'tcpv4' : 'unix_stream',
      src: tcp ? `${connection.remoteAddress}:${connection.remotePort}` : `unix:${listenerId}`,
      start: now(),
      // Like the kernel, the lowest free descriptor.
      fd: lowestFreeFd(),
      epoch: processInfo.sessEpoch,
      session,
      kill: () => connection.destroy(),
    };
    nextSessionId += 0x1a30;
    processInfo.sessions.push(entry);
    connection.on('close', () => {
      processInfo.sessions.splice(processInfo.sessions.indexOf(entry), 1);
    });
    serveConnection(connection, engine, session);
  };
  for (const [index, socket] of configured.entries()) {
    const tcp = /^(?:ipv4@)?(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(socket.address);
    const server = createServer({ allowHalfOpen: true });
    if (tcp) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: Number(tcp[2]), host: tcp[1], backlog: 4096 }, () => resolve());
      });
      const port = (server.address() as { port: number }).port;
      server.on('connection', serve(`${tcp[1]}:${port}`, socket.level, index + 1));
      sockets.push({ address: `${tcp[1]}:${port}`, level: socket.level });
    } else {
      const path = socket.address.replace(/^unix@/, '');
      await listenUnix(server, path);
      if (socket.mode !== undefined) chmodSync(path, socket.mode);
      server.on('connection', serve(path, socket.level, index + 1));
      sockets.push({ address: path, level: socket.level });
    }
    listeners.push(server);
  }
  let tcpAddress: { host: string; port: number } | undefined;
  if (options.tcp) {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve()),
    );
    const port = (server.address() as { port: number }).port;
    tcpAddress = { host: '127.0.0.1', port };
    server.on('connection', serve(`127.0.0.1:${port}`, 'admin', configured.length + 1));
    sockets.push({ address: `127.0.0.1:${port}`, level: 'admin' });
    listeners.push(server);
  }
  const firstAdmin =
    sockets.find((socket) => socket.level === 'admin' && !/^\d/.test(socket.address)) ??
    sockets.find((socket) => !/^\d/.test(socket.address)) ??
    sockets[0]!;
  let closed = false;

  // Stops accepting at once (the socket path is released); open connections keep being served.
  const stopListening = async () => {
    for (const server of listeners) if (server.listening) server.close();
  };

  const fake: FakeHAProxy = {
    socket: firstAdmin.address,
    sockets,
    socketDir: dir,
    tcpAddress,
    pid,
    ports,
    get state() {
      return engine.state;
    },
    get calls() {
      return engine.calls;
    },
    get stopping() {
      return processInfo.stopping;
    },
    set stopping(value: boolean) {
      processInfo.stopping = value;
    },
    get connections() {
      return open.size;
    },
    socketFor: (level) => sockets.find((socket) => socket.level === level)?.address,
    use: (...handlers) => {
      engine.handlers.unshift(...handlers);
    },
    resetHandlers: () => {
      engine.handlers = [];
    },
    inject: (fault) => engine.faults.add(fault),
    get unhandledCommands() {
      return engine.unhandledCommands;
    },
    assertNoPendingFaults: () => {
      if (engine.unhandled === 'error' && engine.unhandledCommands.length > 0) {
        throw new Error(`fake HAProxy: unhandled command(s): ${engine.unhandledCommands.join(' | ')}`);
      }
      const pending = engine.faults.pending();
      if (pending.length > 0) {
        throw new Error(
          `fake HAProxy: ${pending.length} injected fault(s) never fired: ${pending
            .map((fault) => `${fault.kind}${fault.match ? ` (match ${String(fault.match)})` : ''}`)
            .join(', ')}`,
        );
      }
    },
    reset: () => {
      engine.state = cloneState(engine.initial);
      engine.handlers = [];
      engine.faults.clear();
      engine.calls.length = 0;
      engine.unhandledCommands.length = 0;
    },
    simulateTraffic: (traffic) => simulateTraffic(engine.state, traffic, now()),
    setSessions: (target, count) => setSessions(engine.state, target, count, now(), processInfo.sessEpoch),
    reload: (config) => {
      engine.reload(config);
      if (engine.state.global.node === 'fake-haproxy') engine.state.global.node = hostname();
      engine.initial = cloneState(engine.state);
    },
    send: (command, socket = firstAdmin.address) => sendToSocket(socket, command),
    stopListening,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const connection of open) connection.destroy();
      await stopListening();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
  (fake as FakeHAProxy & { engine: FakeProcess }).engine = engine;
  return fake;
}

/** The engine behind a fake (for a master CLI routing to it). */
export function engineOf(fake: FakeHAProxy): FakeProcess {
  return (fake as FakeHAProxy & { engine: FakeProcess }).engine;
}

/** Send one command over a fresh connection to a Unix path or `host:port`. */
export function sendToSocket(socket: string, command: string): Promise<string> {
  return sendRaw(socket, command);
}

export { findBackend, findFrontend, findServer };
