/**
 * The parse helpers of `@haproxyadmin/protocol` that plugins use, re-declared here so a plugin's
 * published types name `@haproxyadmin/sdk/plugin` only (its one peer dependency) and never a
 * transitive package it cannot resolve.
 */
import {
  type AclEntry as ProtocolAclEntry,
  type AclMatch as ProtocolAclMatch,
  type MapEntry as ProtocolMapEntry,
  type MapMatch as ProtocolMapMatch,
  type PatternReference as ProtocolPatternReference,
  type StickTable as ProtocolStickTable,
  type StickTableEntry as ProtocolStickTableEntry,
  parseAclEntries as protocolParseAclEntries,
  parseAclList as protocolParseAclList,
  parseAclMatch as protocolParseAclMatch,
  parseMapEntries as protocolParseMapEntries,
  parseMapList as protocolParseMapList,
  parseMapMatch as protocolParseMapMatch,
  parseTable as protocolParseTable,
} from '@haproxyadmin/protocol';

/** One ACL or map of `show acl` / `show map`: `{ id, file, description, currentVersion, nextVersion, entryCount }`. */
export interface PatternReference extends ProtocolPatternReference {}
/** One entry of `show acl <id>`: `{ ref, value }`. */
export interface AclEntry extends ProtocolAclEntry {}
/** One entry of `show map <id>`: `{ ref, key, value }`. */
export interface MapEntry extends ProtocolMapEntry {}
/** One line of `get acl`: the result of one match method. */
export interface AclMatchMethod extends ProtocolAclMatch {}
/**
 * The result of `get acl`: `{ match, type, caseSensitive, index?, pattern? }` of the first method that
 * matched (or of the first method), and every method in `methods` — HAProxy prints one line per ACL
 * that uses the file (e.g. `path_beg` and `path_end` on the same file).
 */
export interface AclMatch extends ProtocolAclMatch {
  readonly methods: readonly AclMatchMethod[];
}
/** One line of `get map`: the result of one match method. */
export interface MapMatchMethod extends ProtocolMapMatch {}
/**
 * The result of `get map`: `{ found, type, caseSensitive, index?, key?, value?, valueType? }` of the first
 * method that found the key (or of the first method), and every method in `methods` (one line per
 * converter using the file).
 */
export interface MapMatch extends ProtocolMapMatch {
  readonly methods: readonly MapMatchMethod[];
}
/** One entry of `show table <name>`. */
export interface StickTableEntry extends ProtocolStickTableEntry {}
/** One table of `show table [<name>]`, with its entries. */
export interface StickTable extends Omit<ProtocolStickTable, 'entries'> {
  readonly entries: StickTableEntry[];
}

/** `show acl` → every ACL. @throws {ProtocolError} */
export const parseAclList: (text: string) => PatternReference[] = protocolParseAclList;
/** `show map` → every map. @throws {ProtocolError} */
export const parseMapList: (text: string) => PatternReference[] = protocolParseMapList;
/** `show acl <id>` → its entries. @throws {ProtocolError} */
export const parseAclEntries: (text: string) => AclEntry[] = protocolParseAclEntries;
/** `show map <id>` → its entries (a key holding a space cannot be told apart in this dump). @throws {ProtocolError} */
export const parseMapEntries: (text: string) => MapEntry[] = protocolParseMapEntries;
function eachLine<T>(text: string, parse: (line: string) => T): T[] {
  const lines = text.split('\n').filter((line) => line !== '');
  // No line: let the single-line parser report the reply.
  return lines.length === 0 ? [parse(text)] : lines.map((line) => parse(line));
}

/** `get acl <id> <value>` → the match result, one method per line. @throws {ProtocolError} for any other reply. */
export function parseAclMatch(text: string): AclMatch {
  const methods: AclMatchMethod[] = eachLine(text, protocolParseAclMatch);
  return { ...(methods.find((method) => method.match) ?? methods[0]!), methods };
}

/** `get map <id> <key>` → the match result, one method per line. @throws {ProtocolError} for any other reply. */
export function parseMapMatch(text: string): MapMatch {
  const methods: MapMatchMethod[] = eachLine(text, protocolParseMapMatch);
  return { ...(methods.find((method) => method.found) ?? methods[0]!), methods };
}
/** `show table [<name>]` → tables and entries. @throws {ProtocolError} */
export const parseTable: (text: string) => StickTable[] = protocolParseTable;
