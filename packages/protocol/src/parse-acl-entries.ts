import { ProtocolError } from './errors.js';

/** One pattern of `show acl <id>`: HAProxy's reference (usable as `#<ref>` in `del acl`) and the value. */
export interface AclEntry {
  /** The entry's pointer, e.g. `0x55d1c3a4e2b0`. */
  readonly ref: string;
  /** The pattern, spaces included. */
  readonly value: string;
}

const REF = /^0x[0-9a-fA-F]+$/;

/** @internal Split `0x… rest` lines; shared with {@link parseMapEntries}. */
export function splitEntryLines(text: string, command: string): Array<[ref: string, rest: string]> {
  const entries: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const ref = space === -1 ? line : line.slice(0, space);
    if (space === -1 || !REF.test(ref)) {
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    }
    entries.push([ref, line.slice(space + 1)]);
  }
  return entries;
}

/**
 * Parse `show acl <id|file>` (or `show acl @<ver> <id>`): one `0x<ref> <pattern>` line per entry.
 * An empty reply is an empty ACL.
 *
 * @throws {ProtocolError} on an unexpected line (e.g. `Unknown ACL identifier. Please use #<id> or <file>.`).
 * @example parseAclEntries('0x55d1 /admin\n\n') // [{ ref: '0x55d1', value: '/admin' }]
 */
export function parseAclEntries(text: string): AclEntry[] {
  return splitEntryLines(text, 'show acl').map(([ref, value]) => ({ ref, value }));
}
