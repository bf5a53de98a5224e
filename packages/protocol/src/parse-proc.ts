import { ProtocolError } from './errors.js';

/** One process of the master CLI's `show proc`. */
export interface ProcEntry {
  readonly pid: number;
  /** `master`, `worker`, or a program name. */
  readonly type: string;
  /** Master: reloads of the master; worker: reloads this worker has survived (0 = current). */
  readonly reloads: number;
  /** Master only (2.5+): the `[failed: N]` reload counter (reset by a good reload). */
  readonly failedReloads?: number;
  /** 2.0–2.4: the relative PID column (`1`, or `[was: 1]` for old workers). */
  readonly relativePid?: string;
  /** As printed: `0d00h02m07s`. */
  readonly uptime: string;
  /** `uptime` in seconds, when it has the usual `%dd%02dh%02dm%02ds` form. */
  readonly uptimeSeconds: number | undefined;
  /** HAProxy version (`-` for programs); `undefined` before 2.0. */
  readonly version: string | undefined;
}

/** The reply of `show proc`, by section. */
export interface ProcList {
  readonly master: ProcEntry | undefined;
  /** Current workers (`# workers`). */
  readonly workers: ProcEntry[];
  /** Workers left by reloads, still serving their connections (`# old workers`, reach them with `@!<pid>`). */
  readonly oldWorkers: ProcEntry[];
  readonly programs: ProcEntry[];
  readonly oldPrograms: ProcEntry[];
}

const UPTIME = /^(\d+)d ?(\d+)h(\d+)m(\d+)s$/;

/** `0d00h02m07s` (or `0d 0h00m15s` as `show info` prints it) → seconds. */
export function parseUptime(text: string): number | undefined {
  const match = UPTIME.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match.map(Number) as [number, number, number, number, number];
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

const SECTIONS: Readonly<Record<string, 'workers' | 'oldWorkers' | 'programs' | 'oldPrograms'>> = {
  workers: 'workers',
  'old workers': 'oldWorkers',
  programs: 'programs',
  'old programs': 'oldPrograms',
};

/**
 * Parse the master CLI's `show proc` (1.9+; 2.0–2.4 with a relative PID column, 2.5+ with
 * `[failed: N]`): the master line, then the `# workers`, `# old workers`, `# programs` and
 * `# old programs` sections.
 *
 * @throws {ProtocolError} on another reply (e.g. `Unknown command…` from a worker socket).
 * @example parseProc(reply).oldWorkers.map((worker) => worker.pid) // workers still draining after a reload
 */
export function parseProc(text: string): ProcList {
  const command = 'show proc';
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined || !header.startsWith('#<PID>')) {
    throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: text.slice(0, 80) });
  }
  const relative = header.includes('<relative PID>');
  const result = {
    master: undefined as ProcEntry | undefined,
    workers: [] as ProcEntry[],
    oldWorkers: [] as ProcEntry[],
    programs: [] as ProcEntry[],
    oldPrograms: [] as ProcEntry[],
  };
  let section: keyof typeof result = 'master';
  const row = relative
    ? /^(\d+)\s+(\S+)\s+(\[was: ?\d+\]|\S+)\s+(\d+)(?: \[failed: (\d+)\])?\s+(\S+)(?:\s+(\S.*?))?\s*$/
    : /^(\d+)\s+(\S+)()\s+(\d+)(?: \[failed: (\d+)\])?\s+(\S+)(?:\s+(\S.*?))?\s*$/;
  for (const line of lines.slice(1)) {
    if (line.startsWith('# ')) {
      const name = SECTIONS[line.slice(2).trim()];
      if (!name)
        throw new ProtocolError(`${command}: unknown section`, { command, excerpt: line.slice(0, 80) });
      section = name;
      continue;
    }
    const match = row.exec(line);
    if (!match)
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    const entry: { -readonly [K in keyof ProcEntry]: ProcEntry[K] } = {
      pid: Number(match[1]),
      type: match[2]!,
      reloads: Number(match[4]),
      uptime: match[6]!,
      uptimeSeconds: parseUptime(match[6]!),
      version: match[7],
    };
    if (match[5] !== undefined) entry.failedReloads = Number(match[5]);
    if (relative) entry.relativePid = match[3]!;
    if (section === 'master') {
      if (result.master)
        throw new ProtocolError(`${command}: two master lines`, { command, excerpt: line.slice(0, 80) });
      result.master = entry;
    } else {
      result[section].push(entry);
    }
  }
  return result;
}
