/**
 * `hapctl watch`: a live, top-like view of frontends, backends and servers, refreshed from one
 * `snapshot()` per tick. Status and weight changes are highlighted and listed as events. On a
 * terminal it uses the alternate screen and hides the cursor, and always restores both on exit,
 * `q`, Ctrl-C, SIGINT or SIGTERM.
 */
import { parseDuration } from '../args.js';
import { type CommandSpec, type Context, toJson } from '../context.js';
import { oneLine } from '../errors.js';
import { count, status as statusCell } from '../format.js';
import { stripAnsi } from '../io.js';
import type { Client } from '../sdk-types.js';
import { type Column, renderTable, truncate } from '../table.js';
import { loadStats, type StatObject, type StatsView, serverKey, statusOf } from '../view.js';

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
/** How many ticks a change stays highlighted. */
const HIGHLIGHT_TICKS = 3;
const MAX_EVENTS = 6;

interface Tracked {
  status: string;
  weight: string;
  changedAt: number;
}

/** A server's weight, or `MIXED` when processes disagree. */
function weightText(object: StatObject): string {
  return object.inconsistent.includes('weight') ? 'MIXED' : count(object.stats.weight ?? null);
}

/** A change of status or weight, as `watch --json` prints it. */
export interface WatchChange {
  time: string;
  kind: StatObject['kind'];
  /** The name (`backend/server` for a server). */
  name: string;
  status?: { from: string; to: string };
  weight?: { from: number | 'MIXED' | null; to: number | 'MIXED' | null };
}

/** A weight as JSON: the number, `MIXED`, or null. */
function weightJson(text: string): number | 'MIXED' | null {
  if (text === 'MIXED') return text;
  return text === '-' || text === '' ? null : Number(text);
}

/** Remembers what each object looked like, to highlight and list what changed. */
export class ChangeTracker {
  private readonly seen = new Map<string, Tracked>();
  readonly events: string[] = [];
  /** The same changes as `events`, structured, newest first. */
  readonly changes: WatchChange[] = [];
  tick = 0;

  observe(view: StatsView, now: Date): void {
    this.tick++;
    const time = now.toTimeString().slice(0, 8);
    const visit = (label: string, object: StatObject) => {
      const key = `${object.kind}:${label}`;
      const status = statusOf(object);
      const weight = object.kind === 'server' ? weightText(object) : '';
      const before = this.seen.get(key);
      if (before && (before.status !== status || before.weight !== weight)) {
        const parts: string[] = [];
        const change: WatchChange = { time: now.toISOString(), kind: object.kind, name: label };
        if (before.status !== status) {
          parts.push(`${before.status} → ${status}`);
          change.status = { from: before.status, to: status };
        }
        if (before.weight !== weight) {
          parts.push(`weight ${before.weight} → ${weight}`);
          change.weight = { from: weightJson(before.weight), to: weightJson(weight) };
        }
        this.events.unshift(`${time} ${object.kind} ${label}: ${parts.join(', ')}`);
        this.events.length = Math.min(this.events.length, MAX_EVENTS);
        this.changes.unshift(change);
        this.changes.length = Math.min(this.changes.length, MAX_EVENTS);
        this.seen.set(key, { status, weight, changedAt: this.tick });
      } else if (!before) {
        this.seen.set(key, { status, weight, changedAt: Number.NEGATIVE_INFINITY });
      }
    };
    for (const object of view.frontends) visit(object.name, object);
    for (const object of view.backends) visit(object.name, object);
    for (const object of view.servers) visit(serverKey(object), object);
  }

  /** True when the object changed in the last few ticks. */
  recent(object: StatObject): boolean {
    const label = object.kind === 'server' ? serverKey(object) : object.name;
    const entry = this.seen.get(`${object.kind}:${label}`);
    return entry !== undefined && this.tick - entry.changedAt < HIGHLIGHT_TICKS;
  }
}

/** One frame of the view as lines (no trailing newline). */
export function renderFrame(
  context: Context,
  view: StatsView,
  tracker: ChangeTracker,
  info: { version: string; interval: number; error?: string | undefined; now: Date },
): string[] {
  const s = context.style;
  const width = context.io.stdout.isTTY ? (context.io.stdout.columns ?? 80) : undefined;
  const mark = (object: StatObject, text: string) =>
    tracker.recent(object) ? s.inverse(s.yellow(text)) : statusCell(s, text);
  const table = <Row>(columns: Column<Row>[], rows: Row[]) =>
    rows.length === 0
      ? [s.dim('  (none)')]
      : renderTable(columns, rows, { width, header: (text) => s.bold(text) }).split('\n');
  const num = (header: string, key: string, priority = 1): Column<StatObject> => ({
    header,
    value: (object) => count(object.stats[key] ?? null),
    align: 'right',
    priority,
  });
  const name: Column<StatObject> = {
    header: 'NAME',
    value: (object) => object.name,
    flexible: true,
    minWidth: 8,
    priority: 10,
  };
  const state: Column<StatObject> = {
    header: 'STATUS',
    value: (object) => mark(object, statusOf(object)),
    priority: 9,
  };
  const seconds = info.interval >= 1000 ? `${info.interval / 1000}s` : `${info.interval}ms`;
  const header =
    `${s.bold('hapctl watch')}  ${view.processes.length || '?'} processes  HAProxy ${info.version}  ` +
    `${info.now.toTimeString().slice(0, 8)}  every ${seconds}  ${s.dim(context.io.stdout.isTTY ? 'q to quit' : '')}`;
  const lines = [header.trimEnd()];
  if (info.error) lines.push(s.red(`! ${info.error}`));
  const section = (title: string, body: string[]) => {
    lines.push('', s.bold(s.cyan(title)), ...body);
  };
  // SCUR, RATE and STOT read the same in both sections; each adds its own counters around them.
  const scur = num('SCUR', 'scur', 8);
  const rate = num('RATE', 'rate', 7);
  const stot = num('STOT', 'stot', 5);
  const frontends = [
    name,
    state,
    scur,
    rate,
    num('REQ/S', 'req_rate', 6),
    stot,
    num('REQ_TOT', 'req_tot', 3),
  ];
  const backends = [name, state, num('ACT', 'act', 7), scur, rate, stot, num('LBTOT', 'lbtot', 3)];
  section('FRONTENDS', table(frontends, view.frontends));
  section('BACKENDS', table(backends, view.backends));
  section(
    'SERVERS',
    table(
      [
        {
          header: 'SERVER',
          value: (object) => serverKey(object),
          flexible: true,
          minWidth: 10,
          priority: 10,
        },
        state,
        {
          header: 'WEIGHT',
          value: (object) =>
            tracker.recent(object) ? s.inverse(s.yellow(weightText(object))) : weightText(object),
          align: 'right',
          priority: 8,
        },
        num('SCUR', 'scur', 7),
        num('RATE', 'rate', 6),
        num('STOT', 'stot', 5),
        { header: 'CHECK', value: (object) => String(object.stats.check_status ?? '-'), priority: 2 },
      ],
      view.servers,
    ),
  );
  if (tracker.events.length)
    section(
      'CHANGES',
      tracker.events.map((event) => `  ${event}`),
    );
  return width === undefined
    ? lines
    : lines.map((line) => (stripAnsi(line).length > width ? truncate(line, width) : line));
}

/** The stats each section shows (the table columns), by section. */
const FRAME_FIELDS = {
  frontend: ['scur', 'rate', 'req_rate', 'stot', 'req_tot'],
  backend: ['act', 'scur', 'rate', 'stot', 'lbtot'],
  server: ['scur', 'rate', 'stot', 'check_status'],
} as const;

/**
 * One frame as JSON (`watch --json`): the same data as the text frame — every frontend, backend and
 * server with its status and the columns shown, and the recent changes (newest first).
 */
export function frameJson(
  view: StatsView,
  tracker: ChangeTracker,
  info: { version: string; interval: number; error?: string | undefined; now: Date },
): Record<string, unknown> {
  const row = (object: StatObject) => {
    const out: Record<string, unknown> = {};
    if (object.kind === 'server') out.backend = object.backend ?? null;
    out.name = object.name;
    out.status = statusOf(object);
    if (object.kind === 'server') out.weight = weightJson(weightText(object));
    for (const field of FRAME_FIELDS[object.kind]) out[field] = object.stats[field] ?? null;
    out.processes = object.perProcess.length;
    return out;
  };
  return {
    time: info.now.toISOString(),
    version: info.version,
    processes: view.processes.length,
    intervalMs: info.interval,
    ...(info.error ? { error: info.error } : {}),
    frontends: view.frontends.map(row),
    backends: view.backends.map(row),
    servers: view.servers.map(row),
    changes: tracker.changes,
  };
}

async function version(hap: Client): Promise<string> {
  try {
    return await hap.version();
  } catch {
    return '?';
  }
}

export const watchCommand: CommandSpec = {
  name: 'watch',
  summary: 'live top-like view of frontends, backends and servers (rates, sessions, status changes)',
  usage: ['watch [--interval 2s] [--once] [--json]'],
  details:
    'Refreshes from one snapshot per tick (one stats dump per process). Changes of status or weight are highlighted and listed. Keys: q or Ctrl-C to quit. With --json: the frame as JSON (frontends, backends, servers, changes) — one object with --once, else one line per tick.',
  options: ['interval', 'once'],
  args: [0, 0],
  connects: true,
  async run(context) {
    const interval = context.options.interval
      ? parseDuration(context.options.interval, '--interval', 's')
      : 2000;
    const hap = await context.hap();
    const tracker = new ChangeTracker();
    const first = await loadStats(hap);
    const hapVersion = await version(hap);
    tracker.observe(first, new Date());
    if (context.options.once) {
      const info = { version: hapVersion, interval, now: new Date() };
      if (context.json) context.printJson(frameJson(first, tracker, info));
      else for (const line of renderFrame(context, first, tracker, info)) context.print(line);
      return 0;
    }

    const out = context.io.stdout;
    // JSON lines are never drawn as a screen, even on a terminal.
    const tty = out.isTTY === true && !context.json;
    const stop = new AbortController();
    const cleanups: Array<() => void> = [];
    let view = first;
    let error: string | undefined;
    const draw = () => {
      const info = { version: hapVersion, interval, error, now: new Date() };
      if (context.json) {
        out.write(`${toJson(frameJson(view, tracker, info), 0)}\n`);
        return;
      }
      const lines = renderFrame(context, view, tracker, info);
      if (tty) {
        const rows = out.rows ?? 24;
        const shown = lines.slice(0, rows - 1);
        out.write(`\x1b[H${shown.map((line) => `${line}\x1b[K`).join('\n')}\x1b[J`);
      } else {
        out.write(`${lines.join('\n')}\n\n`);
      }
    };
    if (tty) {
      out.write(ENTER);
      cleanups.push(() => out.write(LEAVE));
      const onResize = () => draw();
      out.on?.('resize', onResize);
      cleanups.push(() => out.off?.('resize', onResize));
    }
    const stdin = context.io.stdin;
    if (stdin?.isTTY && stdin.setRawMode) {
      stdin.setRawMode(true);
      const onKey = (chunk: Buffer | string) => {
        const key = chunk.toString();
        if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') stop.abort();
      };
      stdin.on('data', onKey);
      stdin.resume?.();
      cleanups.push(() => {
        stdin.off('data', onKey);
        stdin.setRawMode?.(false);
        stdin.pause?.();
      });
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const off = context.io.onSignal?.(signal, () => stop.abort());
      if (off) cleanups.push(off);
    }
    try {
      draw();
      while (!stop.signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          stop.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
        if (stop.signal.aborted) break;
        try {
          view = await loadStats(hap, { signal: stop.signal });
          error = undefined;
          tracker.observe(view, new Date());
        } catch (cause) {
          if (stop.signal.aborted) break;
          error = oneLine(cause);
        }
        draw();
      }
    } finally {
      for (const cleanup of cleanups.reverse()) cleanup();
    }
    return 0;
  },
};
