import type { CallOptions, ProcessRef } from '../core/types.js';
import { NotFoundError } from '../errors.js';
import { Backend } from './backend.js';
import type { Dumped, ModelContext } from './context.js';
import type { Scope } from './dump-source.js';
import { Frontend } from './frontend.js';
import type { StatRow } from './protocol.js';
import { Server } from './server.js';
import type { StatIndex } from './stat-index.js';
import type { Located } from './stat-object.js';

/** Group rows by key across processes, keeping the first-seen order. */
function collect(
  dumps: readonly Dumped<StatIndex>[],
  rows: (index: StatIndex) => Iterable<[string, StatRow]>,
): Map<string, Located[]> {
  const grouped = new Map<string, Located[]>();
  for (const { process, value } of dumps) {
    for (const [key, row] of rows(value)) {
      const list = grouped.get(key);
      if (list) list.push({ process, row });
      else grouped.set(key, [{ process, row }]);
    }
  }
  return grouped;
}

function processesOf(dumps: readonly Dumped<StatIndex>[]): ProcessRef[] {
  return dumps.map(({ process }) => process);
}

export function frontendHandle(
  context: ModelContext,
  name: string,
  found: readonly Located[],
  all: readonly ProcessRef[],
): Frontend {
  return context.intern(
    `frontend:${name}`,
    () => {
      const handle = new Frontend(context, name);
      handle.capture(found, all);
      return handle;
    },
    (handle) => handle.capture(found, all),
  );
}

export function backendHandle(
  context: ModelContext,
  name: string,
  found: readonly Located[],
  all: readonly ProcessRef[],
): Backend {
  return context.intern(
    `backend:${name}`,
    () => {
      const handle = new Backend(context, name);
      handle.capture(found, all);
      return handle;
    },
    (handle) => handle.capture(found, all),
  );
}

export function serverHandle(
  context: ModelContext,
  backend: string,
  name: string,
  found: readonly Located[],
  all: readonly ProcessRef[],
): Server {
  return context.intern(
    `${backend}/${name}`,
    () => {
      const handle = new Server(context, backend, name);
      handle.capture(found, all);
      return handle;
    },
    (handle) => handle.capture(found, all),
  );
}

/** Frontends of the current processes (all, or the one named `name`), from one dump per process. */
export async function lookupFrontends(
  context: ModelContext,
  name: string | undefined,
  options?: CallOptions,
): Promise<Frontend[]> {
  const scope: Scope = name === undefined ? '*' : { proxy: name };
  const dumps = await context.statDumps(scope, 'current', options);
  const all = processesOf(dumps);
  const grouped = collect(dumps, (index) =>
    name === undefined
      ? index.frontends
      : index.frontends.has(name)
        ? [[name, index.frontends.get(name)!]]
        : [],
  );
  return [...grouped].map(([key, found]) => frontendHandle(context, key, found, all));
}

/** Backends of the current processes (all, or the one named `name`). */
export async function lookupBackends(
  context: ModelContext,
  name: string | undefined,
  options?: CallOptions,
): Promise<Backend[]> {
  const scope: Scope = name === undefined ? '*' : { proxy: name };
  const dumps = await context.statDumps(scope, 'current', options);
  const all = processesOf(dumps);
  const grouped = collect(dumps, (index) =>
    name === undefined ? index.backends : index.backends.has(name) ? [[name, index.backends.get(name)!]] : [],
  );
  return [...grouped].map(([key, found]) => backendHandle(context, key, found, all));
}

/** Servers of the current processes, optionally only in `backend` and/or named `server`. */
export async function lookupServers(
  context: ModelContext,
  filter: { backend?: string | undefined; server?: string | undefined; requireBackend?: boolean },
  options?: CallOptions,
): Promise<Server[]> {
  const scope: Scope = filter.backend === undefined ? '*' : { proxy: filter.backend };
  const dumps = await context.statDumps(scope, 'current', options);
  const backend = filter.backend;
  if (
    filter.requireBackend &&
    backend !== undefined &&
    !dumps.some(({ value }) => value.backends.has(backend))
  ) {
    throw new NotFoundError('backend', backend);
  }
  const all = processesOf(dumps);
  const grouped = collect(dumps, function* (index) {
    const backends =
      filter.backend === undefined
        ? index.servers
        : [[filter.backend, index.servers.get(filter.backend)] as const];
    for (const [backend, servers] of backends) {
      if (!servers) continue;
      if (filter.server === undefined) {
        for (const [name, row] of servers) yield [`${backend}/${name}`, row];
      } else {
        const row = servers.get(filter.server);
        if (row) yield [`${backend}/${filter.server}`, row];
      }
    }
  });
  return [...grouped].map(([, found]) => {
    const row = found[0]!.row;
    return serverHandle(context, String(row.pxname), String(row.svname), found, all);
  });
}
