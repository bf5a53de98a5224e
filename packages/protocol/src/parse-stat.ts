import { ProtocolError } from './errors.js';
import type { StatObjectType } from './fields/types.js';
import { compileStatHeader, parseStatRows, type StatRow } from './stat-csv.js';

export type { StatRow } from './stat-csv.js';

/**
 * Parse the CSV of `show stat` (HAProxy 1.4 → 3.x): one {@link StatRow} per frontend, backend,
 * server and listener line.
 *
 * - Columns are found by the `# pxname,svname,…,` header, never by position (positions move
 *   between versions); every column is kept under HAProxy's own name, unknown ones too. The `-`
 *   delimiter column (2.3+) and the empty column after the trailing comma are dropped.
 * - Numbers: a safe integer is a `number`; an integer beyond 2^53−1 (64-bit counters, e.g.
 *   `18446744073709551615`) is an exact `bigint`; floats are numbers.
 * - Text columns of the field catalogue (`status`, `addr`, `check_status`, `last_chk`…) stay strings
 *   even when they look numeric.
 * - An empty field is `undefined` (the key is present): "not applicable" is not 0.
 * - RFC 4180 quoting: HAProxy quotes fields holding `,` or `"` and doubles the quote.
 * - Blank lines (the reply's closing empty line) are ignored.
 *
 * @throws {ProtocolError} when the text is not a `show stat` reply (e.g. an error message such as
 *   `No such proxy.`), a row has the wrong number of fields, or a quoted field is unterminated.
 * @example parseStat(csv).filter((row) => row.svname === 'BACKEND').map((row) => row.scur)
 * @see management.txt §9.1 "CSV format"
 */
export function parseStat(csv: string): StatRow[] {
  let start = 0;
  while (csv.charCodeAt(start) === 10) start++;
  const newline = csv.indexOf('\n', start);
  const headerEnd = newline === -1 ? csv.length : newline;
  const header = compileStatHeader(csv.slice(start, headerEnd));
  const rows: StatRow[] = [];
  if (newline !== -1) parseStatRows(csv, newline + 1, csv.length, header, rows);
  return rows;
}

const TYPES: readonly StatObjectType[] = ['frontend', 'backend', 'server', 'listener'];

/**
 * What a row describes, from its `type` column (0 frontend, 1 backend, 2 server, 3 listener), or
 * from `svname` (`FRONTEND` / `BACKEND`) when an old HAProxy lacks `type`.
 *
 * @throws {ProtocolError} when neither tells.
 */
export function statObjectType(row: StatRow): StatObjectType {
  const type = row.type;
  if (typeof type === 'number' && TYPES[type] !== undefined) return TYPES[type]!;
  if (type === undefined) {
    if (row.svname === 'FRONTEND') return 'frontend';
    if (row.svname === 'BACKEND') return 'backend';
  }
  throw new ProtocolError(`show stat: unknown object type ${String(type)} for ${row.pxname}/${row.svname}`, {
    command: 'show stat',
  });
}
