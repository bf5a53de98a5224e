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
/** The result of `get acl`: `{ match, type, caseSensitive, index?, pattern? }`. */
export interface AclMatch extends ProtocolAclMatch {}
/** The result of `get map`: `{ found, type, caseSensitive, index?, key?, value?, valueType? }`. */
export interface MapMatch extends ProtocolMapMatch {}
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
/** `get acl <id> <value>` → the match result. @throws {ProtocolError} for any other reply. */
export const parseAclMatch: (text: string) => AclMatch = protocolParseAclMatch;
/** `get map <id> <key>` → the match result. @throws {ProtocolError} for any other reply. */
export const parseMapMatch: (text: string) => MapMatch = protocolParseMapMatch;
/** `show table [<name>]` → tables and entries. @throws {ProtocolError} */
export const parseTable: (text: string) => StickTable[] = protocolParseTable;
