/**
 * Where HAProxy is: command-line flags win over environment variables, which win over the config
 * file (`--config FILE`, else `~/.config/hapctl/config.json` when it exists).
 *
 * Config file (every key optional):
 * `{ "socketDir": "/run/haproxy", "socket": "/run/haproxy/admin.sock", "endpoints": ["tcp://10.0.0.5:9999"],
 *    "master": "/run/haproxy-master.sock", "timeout": 2000 }`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedOptions, parseDuration } from './args.js';
import { UsageError } from './errors.js';
import { closest } from './help.js';
import type { CliIo } from './io.js';

/** The sources and settings passed to `HAProxy.connect`. */
export interface Sources {
  socketDir?: string | undefined;
  socketFile?: string | undefined;
  endpoints?: string[] | undefined;
  master?: string | undefined;
  timeout?: number | undefined;
  /** Leave out folder sockets that accept but do not answer (SDK `unresponsive: 'skip'`). */
  skipUnresponsive?: boolean | undefined;
  /** Where each value came from, for `--debug` and error messages. */
  origin: string;
}

interface ConfigFile {
  socketDir?: unknown;
  socket?: unknown;
  socketFile?: unknown;
  endpoints?: unknown;
  master?: unknown;
  timeout?: unknown;
}

/** The keys a config file may have (`socketFile` is an alias of `socket`). */
const CONFIG_KEYS: readonly string[] = [
  'socketDir',
  'socket',
  'socketFile',
  'endpoints',
  'master',
  'timeout',
  'skipUnresponsive',
];

/**
 * A warning on stderr for each key hapctl does not know (a typo such as `sockeDir` would otherwise be
 * ignored silently, leaving "no HAProxy to talk to"), with the closest known key when one is close.
 * `$schema` and other `$` keys are left alone.
 */
function warnUnknownKeys(file: ConfigFile, path: string, io: CliIo): void {
  for (const key of Object.keys(file)) {
    if (CONFIG_KEYS.includes(key) || key.startsWith('$')) continue;
    const hint = closest(key, CONFIG_KEYS);
    io.stderr.write(
      `hapctl: warning: config file ${path}: unknown key ${JSON.stringify(key)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}\n`,
    );
  }
}

function readConfigFile(path: string, explicit: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as ConfigFile;
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

const str = (value: unknown, key: string, file: string): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new UsageError(`config file ${file}: "${key}" must be a string`);
  return value;
};

/** Resolve the sources from flags, env and config file. Throws a usage error when there is none. */
export function resolveSources(options: ParsedOptions, io: CliIo): Sources {
  const env = io.env;
  const home = io.home ?? env.HOME;
  const configPath =
    options.config ??
    env.HAPCTL_CONFIG ??
    (home ? join(home, '.config', 'hapctl', 'config.json') : undefined);
  const file = configPath
    ? readConfigFile(configPath, options.config !== undefined || env.HAPCTL_CONFIG !== undefined)
    : {};
  const fileName = configPath ?? 'config';
  warnUnknownKeys(file, fileName, io);

  const flagGiven =
    options['socket-dir'] !== undefined ||
    options.socket !== undefined ||
    (options.endpoint?.length ?? 0) > 0 ||
    options.master !== undefined;
  const envGiven = [env.HAPCTL_SOCKET_DIR, env.HAPCTL_SOCKET, env.HAPCTL_ENDPOINTS, env.HAPCTL_MASTER].some(
    (value) => value !== undefined && value !== '',
  );

  let sources: Sources;
  if (flagGiven) {
    sources = {
      socketDir: options['socket-dir'],
      socketFile: options.socket,
      endpoints: options.endpoint,
      master: options.master,
      origin: 'command line',
    };
  } else if (envGiven) {
    const endpoints = (env.HAPCTL_ENDPOINTS ?? '')
      .split(/[\s,]+/)
      .map((value) => value.trim())
      .filter(Boolean);
    sources = {
      socketDir: env.HAPCTL_SOCKET_DIR || undefined,
      socketFile: env.HAPCTL_SOCKET || undefined,
      endpoints: endpoints.length > 0 ? endpoints : undefined,
      master: env.HAPCTL_MASTER || undefined,
      origin: 'environment (HAPCTL_*)',
    };
  } else {
    const endpoints = file.endpoints;
    if (
      endpoints !== undefined &&
      (!Array.isArray(endpoints) || endpoints.some((e) => typeof e !== 'string'))
    ) {
      throw new UsageError(`config file ${fileName}: "endpoints" must be an array of strings`);
    }
    sources = {
      socketDir: str(file.socketDir, 'socketDir', fileName),
      socketFile: str(file.socket ?? file.socketFile, 'socket', fileName),
      endpoints: endpoints as string[] | undefined,
      master: str(file.master, 'master', fileName),
      origin: `config file ${fileName}`,
    };
  }

  const timeoutText =
    options.timeout ??
    (env.HAPCTL_TIMEOUT || undefined) ??
    (file.timeout === undefined ? undefined : String(file.timeout as string | number));
  if (timeoutText !== undefined) sources.timeout = parseDuration(timeoutText, '--timeout', 'ms');
  const skipFile = (file as { skipUnresponsive?: unknown }).skipUnresponsive;
  if (skipFile !== undefined && typeof skipFile !== 'boolean') {
    throw new UsageError(`config file ${fileName}: "skipUnresponsive" must be true or false`);
  }
  if (
    options['skip-unresponsive'] === true ||
    ['1', 'true', 'yes'].includes(env.HAPCTL_SKIP_UNRESPONSIVE ?? '') ||
    skipFile === true
  ) {
    sources.skipUnresponsive = true;
  }

  if (!sources.socketDir && !sources.socketFile && !sources.endpoints?.length && !sources.master) {
    throw new UsageError(
      'no HAProxy to talk to: pass --socket-dir DIR, --socket FILE, --endpoint URL or --master SOCKET (or set HAPCTL_SOCKET_DIR / HAPCTL_SOCKET / HAPCTL_ENDPOINTS / HAPCTL_MASTER, or ~/.config/hapctl/config.json)',
    );
  }
  return sources;
}
