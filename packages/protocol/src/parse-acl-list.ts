import { ProtocolError } from './errors.js';
import { parseIntegerText } from './parse-field-value.js';

/** One ACL or map of `show acl` / `show map`. */
export interface PatternReference {
  /** The numeric id, used as `#<id>` in ACL/map commands. */
  readonly id: number;
  /** The file the patterns were loaded from; `undefined` for an inline ACL (`()`). */
  readonly file: string | undefined;
  /** HAProxy's description (`pattern loaded from file '…' used by acl at file '…' line 18.`), without the counters. */
  readonly description: string;
  /** `curr_ver=` (2.4+): the version in use. */
  readonly currentVersion: number | undefined;
  /** `next_ver=` (2.4+): the version `prepare` will create. */
  readonly nextVersion: number | undefined;
  /**
   * `entry_cnt=` (2.4+): HAProxy's entry counter. A u64 that 2.6 lets wrap below zero (a rejected
   * `add acl` then `clear acl` gives `18446744073709551615`, kept exact as a bigint).
   */
  readonly entryCount: number | bigint | undefined;
}

const LINE = /^(\d+) \((.*?)\)(?: (.*))?$/;
const COUNTERS = / ?curr_ver=(\d+) next_ver=(\d+) entry_cnt=(\d+)$/;

function parseList(text: string, command: string): PatternReference[] {
  const references: PatternReference[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# ')) continue;
    const match = LINE.exec(line);
    if (!match)
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    let description = match[3] ?? '';
    const counters = COUNTERS.exec(description);
    if (counters) description = description.slice(0, counters.index);
    references.push({
      id: Number(match[1]),
      file: match[2] === '' ? undefined : match[2],
      description,
      currentVersion: counters ? Number(counters[1]) : undefined,
      nextVersion: counters ? Number(counters[2]) : undefined,
      entryCount: counters ? parseIntegerText(counters[3]!) : undefined,
    });
  }
  return references;
}

/**
 * Parse `show acl` (no argument): the `# id (file) description` list of every ACL.
 *
 * @throws {ProtocolError} on an unexpected line (an error message instead of the list).
 * @example parseAclList(reply)[0] // { id: 0, file: '/etc/haproxy/blocked.acl', description: "pattern loaded…", … }
 */
export function parseAclList(text: string): PatternReference[] {
  return parseList(text, 'show acl');
}

/**
 * Parse `show map` (no argument): the `# id (file) description` list of every map. Maps and ACLs
 * share one id space, so map ids do not start at 0.
 *
 * @throws {ProtocolError} on an unexpected line.
 */
export function parseMapList(text: string): PatternReference[] {
  return parseList(text, 'show map');
}
