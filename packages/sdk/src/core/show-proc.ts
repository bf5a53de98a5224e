/** One process listed by the master CLI's `show proc`. */
export interface MasterProcess {
  readonly pid: number;
  readonly type: 'master' | 'worker';
  /** Reloads survived (workers) or done (master). */
  readonly reloads: number;
  /** False for the old workers a reload left running. */
  readonly current: boolean;
}

/**
 * Read the master CLI's `show proc` (2.0+ layouts): the master line, `# workers`, `# old workers`;
 * program sections are ignored. Parses by whitespace; the master's `N [failed: M]` column is fine
 * because only the first three columns are read.
 */
export function parseShowProc(text: string): MasterProcess[] {
  const processes: MasterProcess[] = [];
  let section = 'master';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.length === 0 || line.startsWith('#<')) continue;
    if (line.startsWith('#')) {
      section = line.slice(1).trim().toLowerCase();
      continue;
    }
    const match = /^(\d+)\s+(\S+)\s+(?:\[was: \d+\]\s+|\d+\s+(?=\d+\s))?(\d+)/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    const type = match[2];
    const reloads = Number(match[3]);
    if (type === 'master' && section === 'master') {
      processes.push({ pid, type: 'master', reloads, current: true });
    } else if (type === 'worker' && (section === 'workers' || section === 'old workers')) {
      processes.push({ pid, type: 'worker', reloads, current: section === 'workers' });
    }
  }
  return processes;
}
