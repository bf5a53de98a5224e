import { HAProxyError, serializeCommand } from '@haproxyadmin/protocol';
import type { CallOptions, ProcessRef } from '../core/types.js';
import { AggregateProcessError, InvalidArgumentError, NotFoundError, RolledBackError } from '../errors.js';
import type { ModelContext, ReplyCheck } from './context.js';
import { lookupServers } from './lookup.js';
import { isIPv4, isIPv6, parseAddress } from './protocol.js';
import type { Server } from './server.js';
import { INT32_MAX, validateInteger, validateIp, validateName } from './validate.js';
import { sleep } from './wait.js';

/**
 * A precondition of a multi-process operation does not hold on some process (the server exists
 * already, still has sessions, is tracked…). Raised **before** anything irreversible is sent.
 */
export class PreconditionFailedError extends HAProxyError {
  override name = 'PreconditionFailedError';
  /** The processes where the precondition failed, each with the reason. */
  readonly processes: ReadonlyArray<{ readonly process: ProcessRef | undefined; readonly reason: string }>;

  constructor(
    message: string,
    processes: ReadonlyArray<{ process: ProcessRef | undefined; reason: string }>,
    options: { cause?: unknown } = {},
  ) {
    // Name where it failed: "… (on unix:///run/h2.sock pid 12, and 1 other)".
    const where = [
      ...new Set(
        processes.flatMap(({ process }) =>
          process ? [`${process.endpoint}${process.pid === undefined ? '' : ` pid ${process.pid}`}`] : [],
        ),
      ),
    ];
    const others = where.length > 1 ? `, and ${where.length - 1} other${where.length > 2 ? 's' : ''}` : '';
    super(where.length > 0 ? `${message} (on ${where[0]}${others})` : message, {
      code: 'HAPROXY_ERR_PRECONDITION',
      ...options,
    });
    this.processes = processes;
  }
}

/** Keywords of `add server` the SDK builds (HAProxy 2.6 names in comments). */
export interface AddServerOptions extends CallOptions {
  /** `weight` 0–256. */
  weight?: number | undefined;
  /** `check`: configure health checks (started only with `enable: true`). */
  check?: boolean | undefined;
  /** `backup`. */
  backup?: boolean | undefined;
  /** `maxconn` (0 = no limit). */
  maxconn?: number | undefined;
  /** `maxqueue`. */
  maxqueue?: number | undefined;
  /** `minconn`. */
  minconn?: number | undefined;
  /** `inter`, `fastinter`, `downinter` in ms. */
  inter?: number | undefined;
  fastinter?: number | undefined;
  downinter?: number | undefined;
  /** `rise` / `fall`. */
  rise?: number | undefined;
  fall?: number | undefined;
  /** `port`: the health-check port. */
  checkPort?: number | undefined;
  /** `addr`: the health-check address. */
  checkAddress?: string | undefined;
  /** `agent-check` with `agent-port` (required by HAProxy), `agent-addr`, `agent-inter`, `agent-send`. */
  agentCheck?: boolean | undefined;
  agentPort?: number | undefined;
  agentAddress?: string | undefined;
  agentInter?: number | undefined;
  agentSend?: string | undefined;
  /** `slowstart` in ms. */
  slowstart?: number | undefined;
  /** `id`: a fixed server id. */
  id?: number | undefined;
  /** `ssl`, with `verify none|required`. */
  ssl?: boolean | undefined;
  verify?: 'none' | 'required' | undefined;
  /** `send-proxy` / `send-proxy-v2`. */
  sendProxy?: boolean | undefined;
  sendProxyV2?: boolean | undefined;
  /**
   * The new server starts in MAINT with checks off, as HAProxy adds it. `true`: then put it in
   * `ready` and enable its health checks (`check`) and agent (`agentCheck`).
   */
  enable?: boolean | undefined;
}

const FLAG_KEYWORDS = {
  check: 'check',
  backup: 'backup',
  agentCheck: 'agent-check',
  ssl: 'ssl',
  sendProxy: 'send-proxy',
  sendProxyV2: 'send-proxy-v2',
} as const;
const INT_KEYWORDS = {
  weight: ['weight', 0, 256],
  maxconn: ['maxconn', 0, INT32_MAX],
  maxqueue: ['maxqueue', 0, INT32_MAX],
  minconn: ['minconn', 0, INT32_MAX],
  inter: ['inter', 1, INT32_MAX],
  fastinter: ['fastinter', 1, INT32_MAX],
  downinter: ['downinter', 1, INT32_MAX],
  rise: ['rise', 1, INT32_MAX],
  fall: ['fall', 1, INT32_MAX],
  checkPort: ['port', 1, 65535],
  agentPort: ['agent-port', 1, 65535],
  agentInter: ['agent-inter', 1, INT32_MAX],
  slowstart: ['slowstart', 0, INT32_MAX],
  id: ['id', 1, INT32_MAX],
} as const;
const OTHER_KEYS = new Set([
  'checkAddress',
  'agentAddress',
  'agentSend',
  'verify',
  'enable',
  'signal',
  'timeout',
]);

/** Validate `add server` arguments and build the keyword list (nothing is sent on error). */
export function addServerWords(address: unknown, options: AddServerOptions): string[] {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options must be an object', { argument: 'options', value: options });
  }
  for (const key of Object.keys(options)) {
    if (!(key in FLAG_KEYWORDS) && !(key in INT_KEYWORDS) && !OTHER_KEYS.has(key)) {
      throw new InvalidArgumentError(`unknown add server option ${JSON.stringify(key)}`, {
        argument: key,
        value: (options as Record<string, unknown>)[key],
      });
    }
  }
  const words = [validateServerAddress(address)];
  for (const [key, keyword] of Object.entries(FLAG_KEYWORDS)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new InvalidArgumentError(`${key} must be a boolean`, { argument: key, value });
    }
    if (value) words.push(keyword);
  }
  for (const [key, [keyword, min, max]] of Object.entries(INT_KEYWORDS)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    words.push(keyword, String(validateInteger(value, key, min, max)));
  }
  if (options.checkAddress !== undefined)
    words.push('addr', validateIp(options.checkAddress, 'checkAddress'));
  if (options.agentAddress !== undefined)
    words.push('agent-addr', validateIp(options.agentAddress, 'agentAddress'));
  if (options.agentSend !== undefined) {
    if (
      typeof options.agentSend !== 'string' ||
      options.agentSend === '' ||
      /[\r\n\0]/.test(options.agentSend)
    ) {
      throw new InvalidArgumentError('agentSend must be a non-empty string without CR, LF or NUL', {
        argument: 'agentSend',
        value: options.agentSend,
      });
    }
    words.push('agent-send', options.agentSend);
  }
  if (options.verify !== undefined) {
    if (options.verify !== 'none' && options.verify !== 'required') {
      throw new InvalidArgumentError("verify must be 'none' or 'required'", {
        argument: 'verify',
        value: options.verify,
      });
    }
    if (!options.ssl)
      throw new InvalidArgumentError('verify needs ssl: true', { argument: 'verify', value: options.verify });
    words.push('verify', options.verify);
  }
  if (options.agentCheck && options.agentPort === undefined) {
    throw new InvalidArgumentError('agentCheck needs agentPort', { argument: 'agentPort', value: undefined });
  }
  if (options.enable !== undefined && typeof options.enable !== 'boolean') {
    throw new InvalidArgumentError('enable must be a boolean', { argument: 'enable', value: options.enable });
  }
  return words;
}

/** `ip`, `ip:port`, `[ipv6]:port` or a bare IPv6 address; returned as HAProxy reads it. */
function validateServerAddress(address: unknown): string {
  if (typeof address === 'string') {
    if (isIPv4(address) || isIPv6(address)) return address;
    try {
      const parsed = parseAddress(address);
      if ((parsed.family === 'ipv4' || parsed.family === 'ipv6') && parsed.port !== undefined) {
        if (parsed.port >= 1 && parsed.port <= 65535) {
          return parsed.family === 'ipv6'
            ? `[${parsed.host}]:${parsed.port}`
            : `${parsed.host}:${parsed.port}`;
        }
      }
    } catch {
      // reported below
    }
  }
  throw new InvalidArgumentError(
    `address must be an IP address with an optional port (10.0.0.1:80, [::1]:80), got ${JSON.stringify(address)}`,
    { argument: 'address', value: address },
  );
}

const registered: ReplyCheck = (reply) => reply.trim() === 'New server registered.';
const deleted: ReplyCheck = (reply) => reply.trim() === 'Server deleted.';

/** @internal `Backend#addServer()`. */
export async function addServer(
  context: ModelContext,
  backend: string,
  name: string,
  address: string,
  options: AddServerOptions = {},
): Promise<Server> {
  validateName(name, 'server');
  const words = addServerWords(address, options);
  const key = `${backend}/${name}`;
  const call: CallOptions = { signal: options.signal, timeout: options.timeout };
  // Preconditions on every current process before anything is sent.
  const dumps = await context.statDumps({ proxy: backend }, 'current', call);
  const withoutBackend = dumps.filter(({ value }) => !value.backends.has(backend));
  if (withoutBackend.length === dumps.length) throw new NotFoundError('backend', backend);
  const problems = [
    ...withoutBackend.map(({ process }) => ({ process, reason: `no backend ${backend}` })),
    ...dumps
      .filter(({ value }) => value.servers.get(backend)?.has(name))
      .map(({ process }) => ({ process, reason: `server ${key} exists already` })),
  ];
  if (problems.length > 0) {
    throw new PreconditionFailedError(`cannot add server ${key}: ${problems[0]!.reason}`, problems);
  }
  const line = serializeCommand('add server', key, ...words);
  try {
    await context.write([{ line }], call, { idempotent: false, check: registered });
  } catch (error) {
    // Undo a partial add so that the processes stay alike (the new server is in MAINT, unused).
    if (error instanceof AggregateProcessError && error.succeeded.length > 0) {
      const undone = await context
        .write([{ line: serializeCommand('del server', key), targets: error.succeeded }], call, {
          idempotent: true,
          check: deleted,
        })
        .then(
          () => true,
          () => false,
        );
      if (undone) throw new RolledBackError(error.command, error.outcomes, { cause: error.cause });
    }
    throw error;
  }
  if (options.enable) {
    await context.write([{ line: serializeCommand('set server', key, 'state', 'ready') }], call, {
      idempotent: true,
    });
    const extra = [];
    if (options.check) extra.push({ line: serializeCommand('enable health', key) });
    if (options.agentCheck) extra.push({ line: serializeCommand('enable agent', key) });
    if (extra.length > 0) await context.write(extra, call, { idempotent: true });
  }
  const [server] = await lookupServers(context, { backend, server: name, requireBackend: true }, call);
  if (!server) throw new NotFoundError('server', key);
  return server;
}

/** Options of `Server#delete()` / `Backend#deleteServer()`. */
export interface DeleteServerOptions extends CallOptions {
  /**
   * Wait up to this many ms (after MAINT) for the sessions to end by themselves, then close the
   * rest (`shutdown sessions server`).
   */
  drainTimeout?: number | undefined;
  /** Close the sessions right after MAINT (`shutdown sessions server`). */
  shutdownSessions?: boolean | undefined;
  /**
   * The deadline of the whole operation in ms (default `drainTimeout` + 10,000, or 30,000): when
   * sessions or connections are still attached then, it rejects with
   * {@link PreconditionFailedError} and the server stays in MAINT, on every process.
   */
  timeout?: number | undefined;
  /** Time between two session counts in ms (default 200). */
  pollInterval?: number | undefined;
}

function optionalNumber(value: unknown, argument: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidArgumentError(`${argument} must be a number >= ${min}`, { argument, value });
  }
  return value;
}

/**
 * @internal MAINT → (wait / shutdown sessions) → no session left on any process → `del server`
 * everywhere. Every precondition is checked on every process before `del server` is sent.
 */
export async function deleteServers(
  context: ModelContext,
  backend: string,
  name: string,
  options: DeleteServerOptions = {},
): Promise<void> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options must be an object', { argument: 'options', value: options });
  }
  const drainTimeout = optionalNumber(options.drainTimeout, 'drainTimeout', 0);
  const pollInterval = optionalNumber(options.pollInterval, 'pollInterval', 10) ?? 200;
  const deadline = optionalNumber(options.timeout, 'timeout', 0) ?? (drainTimeout ?? 20_000) + 10_000;
  if (options.shutdownSessions !== undefined && typeof options.shutdownSessions !== 'boolean') {
    throw new InvalidArgumentError('shutdownSessions must be a boolean', {
      argument: 'shutdownSessions',
      value: options.shutdownSessions,
    });
  }
  const key = `${backend}/${name}`;
  const { signal } = options;
  const call: CallOptions = { signal };
  const started = Date.now();

  // Which processes have it, and does another server track it (HAProxy would refuse)?
  const dumps = await context.statDumps('*', 'current', call);
  const targets = dumps
    .filter(({ value }) => value.servers.get(backend)?.has(name))
    .map(({ process }) => process);
  if (targets.length === 0) throw new NotFoundError('server', key);
  const trackers: Array<{ process: ProcessRef; reason: string }> = [];
  for (const { process, value } of dumps) {
    for (const [other, inBackend] of value.servers) {
      for (const [server, row] of inBackend) {
        if (row.tracked === key) trackers.push({ process, reason: `${other}/${server} tracks ${key}` });
      }
    }
  }
  if (trackers.length > 0) {
    throw new PreconditionFailedError(`cannot delete ${key}: ${trackers[0]!.reason}`, trackers);
  }

  await context.write([{ line: serializeCommand('set server', key, 'state', 'maint'), targets }], call, {
    idempotent: true,
  });
  const shutdown = () =>
    context.write([{ line: serializeCommand('shutdown sessions server', key), targets }], call, {
      idempotent: true,
    });
  let shut = false;
  if (options.shutdownSessions) {
    await shutdown();
    shut = true;
  }
  for (;;) {
    const now = await context.statDumps({ proxy: backend }, 'current', call);
    const busy = now
      .filter(({ process }) => targets.includes(process))
      .map(({ process, value }) => ({
        process,
        sessions: Number(value.servers.get(backend)?.get(name)?.scur ?? 0),
      }))
      .filter(({ sessions }) => sessions > 0);
    const elapsed = Date.now() - started;
    if (busy.length === 0) {
      const outcome = await tryDelete(context, key, targets, call);
      if (outcome === 'deleted') return;
      // Connections still attached (idle or closing): try again until the deadline.
      if (elapsed >= deadline) {
        throw new PreconditionFailedError(
          `cannot delete ${key}: connections still attached after ${elapsed} ms (it stays in MAINT)`,
          outcome.map((process) => ({ process, reason: 'connections still attached' })),
        );
      }
    } else {
      if (!shut && drainTimeout !== undefined && elapsed >= drainTimeout) {
        await shutdown();
        shut = true;
        continue;
      }
      if (elapsed >= deadline) {
        throw new PreconditionFailedError(
          `cannot delete ${key}: ${busy.reduce((sum, { sessions }) => sum + sessions, 0)} session(s) still open after ${elapsed} ms (it stays in MAINT; pass drainTimeout or shutdownSessions)`,
          busy.map(({ process, sessions }) => ({ process, reason: `${sessions} session(s) open` })),
        );
      }
    }
    await sleep(Math.max(0, Math.min(pollInterval, deadline - elapsed)), signal);
  }
}

const STILL_ATTACHED = /^Server still has connections attached to it/;

/**
 * `del server` on every target. When some process refuses only because connections are still
 * attached, the answer is "retry" (the processes it was deleted on are left out next time).
 */
async function tryDelete(
  context: ModelContext,
  key: string,
  targets: ProcessRef[],
  call: CallOptions,
): Promise<'deleted' | ProcessRef[]> {
  try {
    await context.write([{ line: serializeCommand('del server', key), targets }], call, {
      idempotent: false,
      check: deleted,
    });
    return 'deleted';
  } catch (error) {
    const failed =
      error instanceof AggregateProcessError
        ? error.failed
        : HAProxyError.isInstance(error) && 'response' in error
          ? targets.map((process) => ({ process, error: error as Error }))
          : undefined;
    if (!failed) throw error;
    const attached = failed.filter(({ error: cause }) =>
      STILL_ATTACHED.test(String((cause as { response?: unknown }).response ?? '')),
    );
    if (attached.length !== failed.length) throw error;
    const retry = attached.map(({ process }) => process);
    targets.splice(0, targets.length, ...retry);
    return retry;
  }
}
