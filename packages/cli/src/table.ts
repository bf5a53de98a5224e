/**
 * A small table renderer: header, left/right aligned columns, fitted to the terminal width by
 * truncating the flexible columns (with `…`) and then dropping the least important columns.
 */
import { stripAnsi, visibleWidth } from './io.js';

export interface Column<Row> {
  /** Header text. */
  header: string;
  /** Cell text for a row (may contain ANSI colour codes). */
  value: (row: Row) => string;
  /** Numbers are right-aligned. Default left. */
  align?: 'left' | 'right';
  /** May be shortened with `…` down to `minWidth` when the table is too wide. */
  flexible?: boolean;
  /** Smallest width when shortened. Default 6, and never less than the header. */
  minWidth?: number;
  /** Columns with a lower priority are dropped first when shortening is not enough. Default 1. */
  priority?: number;
}

/** Shorten text to `width` visible columns, ending with `…`. Colour codes are dropped when cut. */
export function truncate(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  if (width <= 0) return '';
  const plain = [...stripAnsi(text)];
  if (width === 1) return '…';
  return `${plain.slice(0, width - 1).join('')}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const gap = Math.max(0, width - visibleWidth(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

export interface RenderOptions {
  /** Maximum line width; undefined = unlimited (not a terminal). */
  width?: number | undefined;
  /** Style for the header line. */
  header?: (text: string) => string;
  /** Gap between columns. Default 2. */
  gap?: number;
}

/** Render rows as aligned text lines (no trailing newline on the last line). */
export function renderTable<Row>(
  columns: Column<Row>[],
  rows: readonly Row[],
  options: RenderOptions = {},
): string {
  const gap = options.gap ?? 2;
  let active = columns.map((column, index) => ({ column, index }));
  const cells = rows.map((row) => columns.map((column) => column.value(row).replace(/[\r\n\t]/g, ' ')));
  const natural = columns.map((column, index) =>
    Math.max(visibleWidth(column.header), ...cells.map((cell) => visibleWidth(cell[index]!))),
  );
  const widths = [...natural];
  // Headers are never cut: a flexible column shrinks down to its header (or minWidth, if wider).
  const minimum = columns.map((column) => Math.max(column.minWidth ?? 6, visibleWidth(column.header)));
  const total = () =>
    active.reduce((sum, { index }) => sum + widths[index]!, 0) + gap * Math.max(0, active.length - 1);

  if (options.width !== undefined) {
    const limit = Math.max(20, options.width);
    // 1. shrink flexible columns, widest first, down to their minimum.
    while (total() > limit) {
      const candidates = active
        .filter(({ column, index }) => column.flexible && widths[index]! > minimum[index]!)
        .sort((a, b) => widths[b.index]! - widths[a.index]!);
      const widest = candidates[0];
      if (!widest) break;
      widths[widest.index] = Math.max(minimum[widest.index]!, widths[widest.index]! - (total() - limit));
    }
    // 2. drop the lowest-priority columns from the right.
    while (total() > limit && active.length > 1) {
      let drop = active.length - 1;
      for (let i = active.length - 1; i >= 0; i--) {
        if ((active[i]!.column.priority ?? 1) < (active[drop]!.column.priority ?? 1)) drop = i;
      }
      active = active.filter((_, i) => i !== drop);
    }
  }

  const headerStyle = options.header ?? ((text: string) => text);
  const separator = ' '.repeat(gap);
  const line = (texts: (index: number) => string, styled?: (text: string) => string) =>
    active
      .map(({ column, index }) => {
        const text = truncate(texts(index), widths[index]!);
        const padded = pad(text, widths[index]!, column.align ?? 'left');
        return styled ? styled(padded) : padded;
      })
      .join(separator)
      .trimEnd();
  const lines = [line((index) => columns[index]!.header, headerStyle)];
  for (const row of cells) lines.push(line((index) => row[index]!));
  return lines.join('\n');
}

/** Two-column key/value listing (`info`). */
export function renderKeyValue(
  pairs: ReadonlyArray<[string, string]>,
  keyStyle = (text: string) => text,
): string {
  const width = Math.max(0, ...pairs.map(([key]) => visibleWidth(key)));
  return pairs.map(([key, value]) => `${keyStyle(pad(key, width, 'left'))}  ${value}`).join('\n');
}
