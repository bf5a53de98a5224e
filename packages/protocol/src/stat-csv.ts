/**
 * The `show stat` CSV scanner shared by {@link parseStat} and the streaming parser. Internal: not
 * exported from the package index.
 *
 * Speed matters (a 2,000-backend dump is 5 MB, 22,000 lines): one pass over char codes without
 * per-character bounds checks (every line ends with `\n`), numbers computed while scanning (no
 * substring for numeric fields, a fast path for `0`), a quoted-field slow path only when a field
 * starts with `"`, and rows built by compiled object literals chosen by the row's bit mask of
 * non-empty fields. A quote inside an unquoted field is kept as data (HAProxy never writes one).
 */
import { ProtocolError } from './errors.js';
import { statField } from './fields/stat-fields.js';
import type { FieldValue } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';

/** A `show stat` row: every non-empty column under HAProxy's own name; an empty field is absent. */
export interface StatRow {
  /** Proxy name. */
  pxname: string;
  /** `FRONTEND`, `BACKEND`, a server name or a listener name. */
  svname: string;
  [field: string]: FieldValue | undefined;
}

const KIND_STRING = 0;
const KIND_NUMBER = 1;
const KIND_SKIP = 2;

const COMMA = 44;
const LF = 10;
const QUOTE = 34;
const MINUS = 45;
const HASH = 35;
const ZERO = 48;

/** The header compiled once: column names, how each column is typed, and the row factory. */
export interface StatHeader {
  /** Every name of the header line, including `-` and the trailing empty one. */
  readonly names: readonly string[];
  /** Per header column: its kind (string, number, skipped). */
  readonly kinds: Uint8Array;
  /** Per header column: its index in the row values, or -1 when the column is dropped. */
  readonly slots: Int32Array;
  /** The kept column names, in order. */
  readonly columns: readonly string[];
  readonly pxnameSlot: number;
  readonly svnameSlot: number;
  /** Builds a row object from the values of the kept columns. */
  readonly createRow: MaskedRowFactory;
  /** Words of the non-empty mask passed to `createRow`. */
  readonly maskWords: number;
}

export function excerpt(text: string, at = 0): string {
  return text.slice(at, at + 80);
}

type RowFactory = (values: ReadonlyArray<FieldValue | undefined>) => StatRow;

/** Builds a row from the values and the bit mask of the non-empty ones (32 slots per word). */
type MaskedRowFactory = (values: ReadonlyArray<FieldValue | undefined>, mask: Int32Array) => StatRow;

/** Compile `v => ({ name: v[i], … })` for the given columns, or `undefined` under a CSP without `Function`. */
function compileLiteral(columns: readonly string[], indexes: readonly number[]): RowFactory | undefined {
  try {
    const body = `return {${indexes.map((index) => `${JSON.stringify(columns[index])}:v[${index}]`).join(',')}};`;
    return new Function('v', body) as RowFactory;
  } catch {
    return undefined;
  }
}

/** Above this many distinct empty/non-empty patterns (only garbage input has that many), stop compiling. */
const MAX_PATTERNS = 256;

/**
 * The row factory. Rows leave empty fields out, and have ~50–128 properties: built by keyed stores
 * V8 turns each row into a slow dictionary object, so for each pattern of non-empty columns (a real
 * dump has a handful: frontend, backend, checked server, unchecked server…) we compile one object
 * literal. Column names are embedded as JSON string literals, so a header cannot inject code. Under a
 * CSP that forbids `Function`, or past {@link MAX_PATTERNS}, rows are built by keyed stores.
 */
function rowFactory(columns: readonly string[]): MaskedRowFactory {
  const words = Math.max(1, Math.ceil(columns.length / 32));
  const root = new Map<number, unknown>();
  let patterns = 0;
  let compile = true;
  const isSet = (mask: Int32Array, index: number) => (mask[index >> 5]! & (1 << (index & 31))) !== 0;
  const generic: MaskedRowFactory = (values, mask) => {
    const row: Record<string, FieldValue | undefined> = {};
    for (let index = 0; index < columns.length; index++) {
      if (isSet(mask, index)) row[columns[index]!] = values[index];
    }
    return row as StatRow;
  };
  return (values, mask) => {
    let node = root;
    for (let word = 0; word < words - 1; word++) {
      let next = node.get(mask[word]!) as Map<number, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(mask[word]!, next);
      }
      node = next;
    }
    let factory = node.get(mask[words - 1]!) as MaskedRowFactory | undefined;
    if (factory === undefined) {
      const present: number[] = [];
      for (let index = 0; index < columns.length; index++) if (isSet(mask, index)) present.push(index);
      factory =
        (compile && patterns < MAX_PATTERNS ? compileLiteral(columns, present) : undefined) ?? generic;
      if (factory === generic) compile = false;
      patterns++;
      node.set(mask[words - 1]!, factory);
    }
    return factory(values, mask);
  };
}

/**
 * Compiled headers by header line. Every `show stat` of one HAProxy version has the same header, and
 * reusing its row factories keeps them optimized by the JIT instead of compiling and warming up new
 * ones for each dump. Bounded: a handful of versions at most in one fleet.
 */
const HEADERS = new Map<string, StatHeader>();
const MAX_HEADERS = 16;

/** Compile the `# pxname,svname,…,` header line (without its newline), or reuse a compiled one. */
export function compileStatHeader(line: string): StatHeader {
  const cached = HEADERS.get(line);
  if (cached) return cached;
  const header = compileHeader(line);
  if (HEADERS.size >= MAX_HEADERS) HEADERS.delete(HEADERS.keys().next().value!);
  HEADERS.set(line, header);
  return header;
}

function compileHeader(line: string): StatHeader {
  if (!line.startsWith('# ')) {
    throw new ProtocolError('show stat: the reply does not start with a "# pxname,svname,…" header', {
      command: 'show stat',
      excerpt: excerpt(line),
    });
  }
  const names = line.slice(2).split(',');
  if (names[0] !== 'pxname' || names[1] !== 'svname') {
    throw new ProtocolError('show stat: the header does not start with pxname,svname', {
      command: 'show stat',
      excerpt: excerpt(line),
    });
  }
  const kinds = new Uint8Array(names.length);
  const slots = new Int32Array(names.length);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    // '' is the column after the trailing comma; '-' separates fixed and stats-module columns;
    // '__proto__' would set the row's prototype. A repeated name keeps its first column.
    if (name === '' || name === '-' || name === '__proto__' || seen.has(name)) {
      kinds[index] = KIND_SKIP;
      slots[index] = -1;
      continue;
    }
    seen.add(name);
    kinds[index] = statField(name)?.type === 'str' ? KIND_STRING : KIND_NUMBER;
    slots[index] = columns.length;
    columns.push(name);
  }
  return {
    names,
    kinds,
    slots,
    columns,
    pxnameSlot: 0,
    svnameSlot: 1,
    createRow: rowFactory(columns),
    maskWords: Math.max(1, Math.ceil(columns.length / 32)),
  };
}

function toValue(text: string, kind: number): FieldValue | undefined {
  if (text === '') return undefined;
  return kind === KIND_STRING ? text : parseFieldValue(text);
}

function rowError(message: string, text: string, lineStart: number): ProtocolError {
  return new ProtocolError(`show stat: ${message}`, {
    command: 'show stat',
    excerpt: excerpt(text, lineStart),
  });
}

/** Parse one quoted field starting at the opening quote; returns the content and moves `cursor.pos`. */
function readQuoted(
  text: string,
  open: number,
  end: number,
  lineStart: number,
  cursor: { pos: number },
): string {
  let content = '';
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1 || quote >= end) throw rowError('unterminated quoted field', text, lineStart);
    content += text.slice(from, quote);
    if (quote + 1 < end && text.charCodeAt(quote + 1) === QUOTE) {
      content += '"';
      from = quote + 2;
      continue;
    }
    cursor.pos = quote + 1;
    return content;
  }
}

/**
 * Parse the data lines in `text[start, end)`; `end` must be at a line boundary (just after a `\n`
 * that is not inside quotes) or the end of the input. Appends to `rows`.
 */
export function parseStatRows(
  text: string,
  start: number,
  end: number,
  header: StatHeader,
  rows: StatRow[],
): void {
  if (end > start && text.charCodeAt(end - 1) !== LF) {
    // The scanner relies on every line ending with `\n` (no bounds checks per character); only a
    // final line without its newline needs this copy.
    parseStatRows(`${text.slice(start, end)}\n`, 0, end - start + 1, header, rows);
    return;
  }
  const { kinds, slots, createRow, pxnameSlot, svnameSlot } = header;
  const count = kinds.length;
  const values: Array<FieldValue | undefined> = new Array(header.columns.length).fill(undefined);
  // Bit per slot: set when the field is not empty (the row factory keys its object shapes on it).
  const mask = new Int32Array(header.maskWords);
  const cursor = { pos: 0 };
  let pos = start;
  while (pos < end) {
    const first = text.charCodeAt(pos);
    if (first === LF) {
      pos++;
      continue;
    }
    if (first === HASH) {
      // A repeated header (replies of several `show stat` concatenated); proxy names cannot hold '#'.
      pos = text.indexOf('\n', pos) + 1;
      continue;
    }
    const lineStart = pos;
    let column = 0;
    let code = 0;
    mask.fill(0);
    // Every line ends with `\n` before `end`, so the loops below stop without bounds checks.
    do {
      // Past the header's last column `slots[column]` is undefined: nothing is stored, and the field
      // count check after the line reports the row.
      const slot = slots[column]!;
      code = text.charCodeAt(pos);
      if (code === COMMA || code === LF) {
        // An empty field (about half of a dump): its mask bit stays clear, so the row factory never
        // reads the stale value a previous row left in `values[slot]`.
        column++;
        pos++;
        continue;
      }
      if (slot >= 0) mask[slot >> 5]! |= 1 << (slot & 31);
      if (code === QUOTE) {
        // RFC 4180 quoted field: "" is a quote; commas and newlines inside are data.
        const content = readQuoted(text, pos, end, lineStart, cursor);
        pos = cursor.pos;
        code = text.charCodeAt(pos);
        if (code !== COMMA && code !== LF) {
          throw rowError('unexpected character after a quoted field', text, lineStart);
        }
        if (slot >= 0) {
          const value = toValue(content, kinds[column]!);
          values[slot] = value;
          if (value === undefined) mask[slot >> 5]! &= ~(1 << (slot & 31));
        }
      } else if (kinds[column] === KIND_NUMBER) {
        if (code === ZERO) {
          // Fast path: a lone `0`, the most common value of a dump.
          const next = text.charCodeAt(pos + 1);
          if (next === COMMA || next === LF) {
            values[slot] = 0;
            code = next;
            column++;
            pos += 2;
            continue;
          }
        }
        const fieldStart = pos;
        if (code === MINUS) pos++;
        const digitStart = pos;
        let number = 0;
        // Digits while computing the value; anything else (rare) falls back to text parsing.
        for (;;) {
          const digit = text.charCodeAt(pos) - 48;
          if (digit < 0 || digit > 9) break;
          number = number * 10 + digit;
          pos++;
        }
        code = text.charCodeAt(pos);
        if ((code === COMMA || code === LF) && pos > digitStart && pos - digitStart <= 15) {
          if (slot >= 0) values[slot] = fieldStart === digitStart ? number : -number;
        } else {
          while (code !== COMMA && code !== LF) code = text.charCodeAt(++pos);
          if (slot >= 0) values[slot] = toValue(text.slice(fieldStart, pos), KIND_NUMBER);
        }
      } else {
        const fieldStart = pos;
        while (code !== COMMA && code !== LF) code = text.charCodeAt(++pos);
        if (slot >= 0) values[slot] = text.slice(fieldStart, pos);
      }
      column++;
      pos++;
    } while (code === COMMA);
    if (column !== count) {
      throw rowError(`a row has ${column} fields, the header has ${count}`, text, lineStart);
    }
    // pxname and svname are text columns: a set mask bit means a non-empty string.
    if (
      (mask[pxnameSlot >> 5]! & (1 << (pxnameSlot & 31))) === 0 ||
      (mask[svnameSlot >> 5]! & (1 << (svnameSlot & 31))) === 0
    ) {
      throw rowError('a row without pxname or svname', text, lineStart);
    }
    rows.push(createRow(values, mask));
  }
}

/**
 * Where the last complete line of `text[from…]` ends (the index after its `\n`), taking quoted
 * fields into account, or -1 when no line is complete. `from` must be outside quotes.
 */
export function lastLineEnd(text: string, from: number): number {
  if (text.indexOf('"', from) === -1) {
    const newline = text.lastIndexOf('\n');
    return newline >= from ? newline + 1 : -1;
  }
  let inQuotes = false;
  let last = -1;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) inQuotes = !inQuotes;
    else if (code === LF && !inQuotes) last = index + 1;
  }
  return last;
}

/**
 * Where the first line of `text` ends (the index after its `\n`) for a line that started earlier,
 * `inQuotes` telling whether that earlier part ended inside quotes; -1 when it does not end here.
 */
export function firstLineEnd(text: string, inQuotes: boolean): number {
  if (!inQuotes && text.indexOf('"') === -1) return text.indexOf('\n') + 1 || -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) inQuotes = !inQuotes;
    else if (code === LF && !inQuotes) return index + 1;
  }
  return -1;
}

/** Whether text starting outside quotes ends inside a quoted field (an odd number of `"`). */
export function endsInQuotes(text: string): boolean {
  let quotes = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) quotes++;
  return quotes % 2 === 1;
}
