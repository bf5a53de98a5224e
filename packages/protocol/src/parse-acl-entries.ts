import { splitEntryLines } from './entry-lines.js';

/** One pattern of `show acl <id>`: HAProxy's reference (usable as `#<ref>` in `del acl`) and the value. */
export interface AclEntry {
  /** The entry's pointer, e.g. `0x55d1c3a4e2b0`. */
  readonly ref: string;
  /** The pattern, spaces included. */
  readonly value: string;
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
