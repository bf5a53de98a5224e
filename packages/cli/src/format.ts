/** Cell formatting shared by the tables and `watch`. */
import type { Style } from './io.js';
import type { ProcessRef, StatValue } from './sdk-types.js';
import { num } from './view.js';

/** An integer cell: `-` when absent. */
export function count(value: StatValue): string {
  const number = num(value);
  return number === null ? '-' : String(Math.round(number));
}

/** Bytes as B / KiB / MiB / GiB with one decimal. */
export function bytes(value: StatValue): string {
  const number = num(value);
  if (number === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let amount = number;
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return unit === 0 ? `${amount}B` : `${amount.toFixed(1)}${units[unit]}`;
}

/** Seconds as `3d4h`, `2h05m`, `4m10s`, `12s`. */
export function duration(value: StatValue): string {
  const seconds = num(value);
  if (seconds === null || seconds < 0) return '-';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Colour a status: green when serving, red when down, yellow for maintenance/drain/mixed. */
export function status(style: Style, value: string): string {
  const upper = value.toUpperCase();
  if (/^(UP|OPEN|no check)/i.test(value)) return style.green(value);
  if (/^(DOWN|STOP|NOLB)/.test(upper)) return style.red(value);
  if (/(MAINT|DRAIN|MIXED|PAUSED|\d\/\d)/.test(upper)) return style.yellow(value);
  return value;
}

/** A short label for a process: the socket's file name (or host:port) and the pid. */
export function processLabel(process: ProcessRef): string {
  const where = process.endpoint.replace(/^unix:\/\//, '');
  const short = where.startsWith('/') ? where.slice(where.lastIndexOf('/') + 1) : where;
  const old = process.current ? '' : ' old';
  return process.pid !== undefined ? `${short} pid ${process.pid}${old}` : `${short}${old}`;
}

/** Plain JSON for a process reference. */
export function processJson(process: ProcessRef): Record<string, unknown> {
  return {
    key: process.key,
    endpoint: process.endpoint,
    pid: process.pid ?? null,
    role: process.role,
    current: process.current,
  };
}
