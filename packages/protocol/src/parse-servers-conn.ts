import { ProtocolError } from './errors.js';
import type { FieldValue } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';

/** One server of `show servers conn`. */
export interface ServerConnections {
  readonly backendName: string;
  readonly serverName: string;
  readonly backendId: number;
  readonly serverId: number;
  /** Every other column by its header name (`used_cur`, `idle_lim`, …), typed; `-` is absent. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** `idle_per_thr[N]`: idle connections per thread (empty when HAProxy prints none for the server). */
  readonly idlePerThread: readonly number[];
}

/**
 * Parse `show servers conn [<backend>]` (2.2+). The columns differ between versions (`served`,
 * `idle_sess` are newer), so they are read by the header; `idle_per_thr[N]` spans N columns.
 *
 * @throws {ProtocolError} on another reply (e.g. `Can't find backend.`).
 */
export function parseServersConn(text: string): ServerConnections[] {
  const command = 'show servers conn';
  const lines = text.split('\n').filter((line) => line !== '');
  const header = lines[0];
  if (header === undefined || !header.startsWith('# bkname/svname')) {
    throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: text.slice(0, 80) });
  }
  const names = header.slice(2).split(' ');
  const last = names[names.length - 1]!;
  const threads = /^idle_per_thr\[(\d+)\]$/.exec(last);
  const fixed = threads ? names.slice(0, -1) : names;
  const result: ServerConnections[] = [];
  for (const line of lines.slice(1)) {
    const values = line.split(' ');
    // Servers without idle-connection pools (e.g. added at runtime, 2.6.12) print no per-thread values.
    const most = fixed.length + (threads ? Number(threads[1]) : 0);
    const [backendName, serverName] = (values[0] ?? '').split('/');
    const [backendId, serverId] = (values[1] ?? '').split('/').map(Number);
    if (
      values.length < fixed.length ||
      values.length > most ||
      !backendName ||
      !serverName ||
      !Number.isInteger(backendId) ||
      !Number.isInteger(serverId)
    ) {
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    }
    const fields: Record<string, FieldValue> = {};
    fixed.forEach((name, index) => {
      if (index < 2 || name === '-' || name === '__proto__') return;
      const raw = values[index]!;
      const value = raw === '-' ? undefined : parseFieldValue(raw, name === 'addr' ? 'str' : undefined);
      if (value !== undefined) fields[name] = value;
    });
    const idlePerThread = values.slice(fixed.length).map(Number);
    result.push({
      backendName,
      serverName,
      backendId: backendId!,
      serverId: serverId!,
      fields,
      idlePerThread,
    });
  }
  return result;
}
