import { ProtocolError } from './errors.js';

const REF = /^0x[0-9a-fA-F]+$/;

/** Split `0x<ref> <rest>` lines of `show acl|map <id>` (internal, shared by the ACL and map parsers). */
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
