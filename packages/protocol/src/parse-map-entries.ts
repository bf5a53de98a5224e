import { splitEntryLines } from './entry-lines.js';

/** One entry of `show map <id>`. */
export interface MapEntry {
  /** The entry's pointer, usable as `#<ref>` in `set map` / `del map`. */
  readonly ref: string;
  /** The key: the first word after the reference. */
  readonly key: string;
  /** The value: the rest of the line, spaces included. */
  readonly value: string;
}

/**
 * Parse `show map <id|file>` (or `show map @<ver> <id>`): one `0x<ref> <key> <value>` line per entry.
 * The value is the rest of the line and may contain spaces. HAProxy prints keys unescaped, so a key
 * that contains a space cannot be told apart from its value here (`get map` shows both quoted).
 * An empty reply is an empty map.
 *
 * @throws {ProtocolError} on an unexpected line (e.g. `Unknown map identifier. Please use #<id> or <file>.`).
 */
export function parseMapEntries(text: string): MapEntry[] {
  return splitEntryLines(text, 'show map').map(([ref, rest]) => {
    const space = rest.indexOf(' ');
    return space === -1
      ? { ref, key: rest, value: '' }
      : { ref, key: rest.slice(0, space), value: rest.slice(space + 1) };
  });
}
