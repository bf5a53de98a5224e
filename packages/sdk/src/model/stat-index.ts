import { parseStat, type StatRow, statObjectType } from './protocol.js';

/** One process's `show stat`, indexed by name (never by iid/sid, which a reload may renumber). */
export interface StatIndex {
  readonly frontends: ReadonlyMap<string, StatRow>;
  readonly backends: ReadonlyMap<string, StatRow>;
  /** backend name → server name → row, in configuration order. */
  readonly servers: ReadonlyMap<string, ReadonlyMap<string, StatRow>>;
}

const EMPTY: StatIndex = { frontends: new Map(), backends: new Map(), servers: new Map() };

export function emptyStatIndex(): StatIndex {
  return EMPTY;
}

/** Parse a `show stat` CSV once and index its rows; listener rows are skipped. */
export function indexStat(csv: string): StatIndex {
  const frontends = new Map<string, StatRow>();
  const backends = new Map<string, StatRow>();
  const servers = new Map<string, Map<string, StatRow>>();
  for (const row of parseStat(csv)) {
    const type = statObjectType(row);
    if (type === 'frontend') frontends.set(row.pxname, row);
    else if (type === 'backend') backends.set(row.pxname, row);
    else if (type === 'server') {
      let inBackend = servers.get(row.pxname);
      if (!inBackend) servers.set(row.pxname, (inBackend = new Map()));
      inBackend.set(row.svname, row);
    }
  }
  return { frontends, backends, servers };
}
