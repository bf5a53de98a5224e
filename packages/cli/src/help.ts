/** Help texts: the command list, group help (`hapctl server --help`) and per-command help. */
import type { CommandSpec } from './context.js';
import type { Style } from './io.js';

export const GROUPS: Record<string, string> = {
  server: 'change servers (weight, state, drain, health, agent, maxconn, add, delete)',
  table: 'stick-table entries (set, clear); hapctl table NAME lists them',
  session: 'shut down one session (IDs from hapctl sessions)',
  ssl: 'TLS certificates (certs)',
  frontend: 'change frontends (enable, disable, maxconn, shutdown)',
  acl: 'ACL patterns (list, show, add, del, clear, get, replace)',
  map: 'map entries (list, show, add, set, del, clear, get, replace)',
  set: 'global settings (maxconn, rate limits)',
};

const SOURCES = `Where HAProxy is (like HAProxy.connect; flags > env > config file):
  --socket-dir DIR     every HAProxy stats socket in DIR           env HAPCTL_SOCKET_DIR
  --socket FILE        one stats socket                           env HAPCTL_SOCKET
  --endpoint URL       unix:///path or tcp://host:port (repeat)   env HAPCTL_ENDPOINTS (comma-separated)
  --master SOCKET      master CLI: every worker, current and old  env HAPCTL_MASTER
  --timeout MS         per-call time budget (ms, or 2s)           env HAPCTL_TIMEOUT
  --skip-unresponsive  leave out folder sockets that accept but do not answer (default: fail)
                                                                  env HAPCTL_SKIP_UNRESPONSIVE=1
  --config FILE        JSON config (default ~/.config/hapctl/config.json):
                       {"socketDir", "socket", "endpoints", "master", "timeout", "skipUnresponsive"}`;

const COMMON = `Output and behaviour:
  --json               machine-readable output (stable shapes, see the README)
  -p, --per-process    info/frontends/backends/servers/tables/table/ssl certs: one row per process
  -y, --yes            shutdown/del/clear/delete: do not ask (required without a terminal)
  --no-color           no colours (also NO_COLOR=1; colours are only used on a terminal)
  --debug              show stack traces on errors
  -h, --help           help (also: hapctl help COMMAND)
  -V, --version        version

Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 partial failure (some processes),
            5 socket fault, 6 command refused by HAProxy`;

export function mainHelp(commands: readonly CommandSpec[], style: Style): string {
  const top = commands.filter((command) => !command.name.includes(' '));
  const lines = [
    `${style.bold('hapctl')} — manage every HAProxy process through the Runtime API`,
    '',
    `${style.bold('Usage:')} hapctl COMMAND [ARGS] [OPTIONS]`,
    '',
    style.bold('Commands:'),
    ...top.map((command) => `  ${command.name.padEnd(16)} ${command.summary}`),
    ...Object.entries(GROUPS).map(([group, summary]) => `  ${`${group} …`.padEnd(16)} ${summary}`),
    '',
    SOURCES,
    '',
    COMMON,
    '',
    'Try: hapctl demo    (a narrated tour on an embedded 4-process fake HAProxy)',
  ];
  return lines.join('\n');
}

export function groupHelp(group: string, commands: readonly CommandSpec[], style: Style): string {
  const members = commands.filter((command) => command.name.startsWith(`${group} `));
  return [
    `${style.bold(`hapctl ${group}`)} — ${GROUPS[group] ?? ''}`,
    '',
    style.bold('Commands:'),
    ...members.map((command) => `  ${command.name.padEnd(22)} ${command.summary}`),
    '',
    `Run \`hapctl ${group} SUBCOMMAND --help\` for details.`,
  ].join('\n');
}

export function commandHelp(command: CommandSpec, style: Style): string {
  const options = command.options ?? [];
  const described: Record<string, string> = {
    'per-process': '-p, --per-process    one row per process',
    backend: '-b, --backend B      the backend of the server(s)',
    yes: '-y, --yes            do not ask for confirmation',
    all:
      command.name === 'clear-counters'
        ? '--all                also reset maxima and totals'
        : '--all                every server of --backend',
    interval: '-n, --interval S     refresh every S seconds (or 500ms); default 2',
    once: '--once               print one frame and exit',
    fast: '--fast               no pauses',
    wait: '-w, --wait           wait until the sessions end, then MAINT (progress on a terminal)',
    'drain-timeout':
      command.name === 'server delete'
        ? '--drain-timeout D    wait up to D (30s, 500ms; default 30s) for sessions to end'
        : '--drain-timeout D    with --wait: give up waiting after D (30s, 500ms; default 30s)',
    'no-force': '--no-force           at the deadline leave the server in DRAIN and exit 6',
    weight: '--weight N           initial weight (0-256)',
    check: '--check              health checks (enabled with --enable)',
    backup: '--backup             a backup server',
    enable: '--enable             start ready with checks on (default: MAINT, checks off)',
    'shutdown-sessions':
      '--shutdown-sessions  close the sessions still open (after --drain-timeout, else at once)',
    filter: '--filter data.TYPE OP VALUE   e.g. "data.gpc0 gt 0" (repeat up to 4)',
    format: '--format lines|json  how to read the file (default: json for *.json, else lines)',
  };
  return [
    `${style.bold(`hapctl ${command.name}`)} — ${command.summary}`,
    '',
    style.bold('Usage:'),
    ...command.usage.map((usage) => `  hapctl ${usage}`),
    ...(command.details ? ['', command.details] : []),
    ...(options.length
      ? ['', style.bold('Options:'), ...options.map((option) => `  ${described[option] ?? `--${option}`}`)]
      : []),
    '',
    'Global options: --json, --socket-dir, --socket, --endpoint, --master, --timeout, --config, --no-color, --debug (hapctl --help)',
  ].join('\n');
}

/** The closest known word, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
