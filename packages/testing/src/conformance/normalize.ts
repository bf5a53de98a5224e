import { STAT_FIELDS } from '../fake/data/stat-fields.js';

/** How an answer is normalised before comparison. */
export type Normalizer =
  | 'exact'
  | 'info'
  | 'stat'
  | 'servers-state'
  | 'master'
  | 'help-structure'
  | 'table'
  | 'errors'
  | 'stat-fields'
  | 'sess';

/** show info fields whose values differ run to run (pid, times, counters of the CLI itself, memory…). */
const VOLATILE_INFO = new Set([
  'Pid',
  'Uptime',
  'Uptime_sec',
  'Start_time_sec',
  'CumConns',
  'CumReq',
  'Tasks',
  'Run_queue',
  'Idle_pct',
  'node',
  'Jobs',
  'TotalBytesOut',
  'BytesOutRate',
  'PoolAlloc_MB',
  'PoolUsed_MB',
  'PoolAlloc_bytes',
  'PoolUsed_bytes',
  'Memmax_MB',
  'Memmax_bytes',
  'Ulimit-n',
  'Maxsock',
  'MaxConnRate',
  'MaxSessRate',
  'ConnRate',
  'SessRate',
  'CurrConns',
  'Release_date',
]);

/** Stat columns that depend on time or on health-check timing. */
const VOLATILE_STAT = new Set([
  'lastchg',
  'downtime',
  'check_status',
  'check_code',
  'check_duration',
  'check_desc',
  'check_health',
  'last_chk',
  'chkfail',
  'chkdown',
  'lastsess',
  'need_conn_est',
]);

function normalizeInfo(text: string): string {
  if (text.startsWith('[')) {
    try {
      const items = JSON.parse(text) as { field: { name: string }; value: { value: unknown } }[];
      for (const item of items) if (VOLATILE_INFO.has(item.field.name)) item.value.value = '?';
      return `${JSON.stringify(items)}\n\n`;
    } catch {
      return text;
    }
  }
  return text
    .split('\n')
    .map((line) => {
      const typed = /^(\d+)\.([^.]+)\.(\d+):([^:]*):([^:]*):/.exec(line);
      if (typed) return VOLATILE_INFO.has(typed[2]!) ? `${typed[0]}?` : line;
      const colon = line.indexOf(': ');
      if (colon > 0 && VOLATILE_INFO.has(line.slice(0, colon))) return `${line.slice(0, colon)}: ?`;
      return line;
    })
    .join('\n');
}

function normalizeStatus(value: string): string {
  return value.replace(/^(UP|DOWN|NOLB|DRAIN) \d+\/\d+$/, '$1');
}

function normalizeStat(text: string): string {
  const volatileIndexes = new Set(
    STAT_FIELDS.map((f, i) => (VOLATILE_STAT.has(f) ? i : -1)).filter((i) => i >= 0),
  );
  const statusIndex = STAT_FIELDS.indexOf('status');
  if (text.startsWith('[[')) {
    try {
      const arrays = JSON.parse(text) as { field: { name: string }; value: { value: unknown } }[][];
      for (const items of arrays) {
        for (const item of items) {
          if (VOLATILE_STAT.has(item.field.name)) item.value.value = '?';
          if (item.field.name === 'status') item.value.value = normalizeStatus(String(item.value.value));
        }
      }
      return `${JSON.stringify(arrays.map((items) => items.filter((item) => !VOLATILE_STAT.has(item.field.name))))}\n\n`;
    } catch {
      return text;
    }
  }
  return text
    .split('\n')
    .filter((line) => {
      const typed = /^[FBS]\.\d+\.\d+\.\d+\.([^.]+)\.\d+:/.exec(line);
      return !(typed && VOLATILE_STAT.has(typed[1]!));
    })
    .map((line) => {
      const typed = /^([FBS]\.\d+\.\d+\.\d+\.status\.\d+:[^:]*:[^:]*:)(.*)$/.exec(line);
      if (typed) return typed[1] + normalizeStatus(typed[2]!);
      if (line.startsWith('#') || !line.includes(',')) return line;
      const fields = line.split(',');
      return fields
        .map((value, index) => {
          if (volatileIndexes.has(index)) return '?';
          if (index === statusIndex) return normalizeStatus(value);
          return value;
        })
        .join(',');
    })
    .join('\n');
}

/** Like `stat`, but time-dependent fields keep their place (value `?`): which fields exist is compared. */
function normalizeStatFields(text: string): string {
  if (text.startsWith('[[')) {
    try {
      const arrays = JSON.parse(text) as { field: { name: string }; value: { value: unknown } }[][];
      for (const items of arrays)
        for (const item of items) if (VOLATILE_STAT.has(item.field.name)) item.value.value = '?';
      return `${JSON.stringify(arrays)}\n\n`;
    } catch {
      return text;
    }
  }
  const volatileIndexes = new Set(
    STAT_FIELDS.map((f, i) => (VOLATILE_STAT.has(f) ? i : -1)).filter((i) => i >= 0),
  );
  return text
    .split('\n')
    .map((line) => {
      const typed = /^([FBSL]\.\d+\.\d+\.\d+\.([^.]+)\.\d+:[^:]*:[^:]*:)(.*)$/.exec(line);
      if (typed) return VOLATILE_STAT.has(typed[2]!) && typed[3] !== '' ? `${typed[1]}?` : line;
      if (line.startsWith('#') || !line.includes(',')) return line;
      return line
        .split(',')
        .map((value, index) => (volatileIndexes.has(index) && value !== '' ? '?' : value))
        .join(',');
    })
    .join('\n');
}

/**
 * `show sess`: ages, descriptors, client ports, timers left, and the flags that tell whether the client's
 * half-close had arrived yet differ run to run.
 */
function normalizeSess(text: string): string {
  return text
    .replace(/(^|\n|> )\d+> /g, '$1<pid>> ')
    .replace(/ calls=\d+ rate=\d+ cpu=\d+ lat=\d+ rq\[.*? exp=\S* /g, ' … ')
    .replace(/\b(age|exp|rx|rex)=\d[\dhmsd]*/g, '$1=?')
    .replace(/\bfd=\d+/g, 'fd=?')
    .replace(/src=(\d+\.\d+\.\d+\.\d+):\d+/g, 'src=$1:?');
}

function normalizeServersState(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#') || !/^\d+ /.test(line)) return line;
      const cols = line.split(' ');
      cols[9] = '?';
      if (cols[13] === '6') {
        cols[5] = '?';
        cols[10] = '?';
        cols[11] = '?';
        cols[12] = '?';
      }
      return cols.join(' ');
    })
    .join('\n');
}

function normalizeMaster(text: string): string {
  return text
    .replace(/^\d+ +(master|worker)/gm, (_, type: string) => `${'<pid>'.padEnd(16)}${type}`)
    .replace(/\d+d\d\dh\d\dm\d\ds/g, '<uptime>')
    .replace(/(^|\n|> )\d+> /g, '$1<pid>> ')
    .replace(/Pid: \d+/g, 'Pid: <pid>');
}

function normalizeHelpStructure(text: string): string {
  const lines = text.split('\n');
  // Keep the header and the fixed trailer; the fuzzy-matched middle may differ.
  return [lines[0], '…', ...lines.slice(-5)].join('\n');
}

/** Normalise an answer: the target's folder and ports, pointers, then the kind-specific rules. */
export function normalize(
  text: string,
  kind: Normalizer,
  dir: string,
  ports: Record<string, number> = {},
): string {
  let out = dir ? text.split(dir).join('<dir>') : text;
  for (const [name, port] of Object.entries(ports)) {
    out = out.replace(new RegExp(`(?<!\\d)${port}(?!\\d)`, 'g'), `<port:${name}>`);
  }
  out = out.replace(/0x[0-9a-f]{6,}/g, '0x?');
  switch (kind) {
    case 'info':
      return normalizeInfo(out);
    case 'stat':
      return normalizeStat(out);
    case 'servers-state':
      return normalizeServersState(out);
    case 'stat-fields':
      return normalizeStatFields(out);
    case 'sess':
      return normalizeSess(out);
    case 'master':
      return normalizeMaster(out);
    case 'help-structure':
      return normalizeHelpStructure(out);
    case 'table':
      return out.replace(/exp=\d+/g, 'exp=?');
    case 'errors':
      return out.replace(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/g, '[date]');
    default:
      return out;
  }
}
