/**
 * `@haproxyadmin/sdk/plugin`: everything a plugin author needs, from one entry, so a plugin has one
 * peer dependency (`@haproxyadmin/sdk`) and never sees a second copy of `@haproxyadmin/protocol`.
 */
export { defineCommand, definePlugin, type PluginSpec } from './define.js';
export { createCommandContext, executeCommand } from './execute.js';
export { checkPlugins, installPlugins, RESERVED_NAMESPACES } from './install.js';
export { expectEmptyReply, forEachProcess, mergeSameRows, only } from './helpers.js';
export {
  replaceVersioned,
  type StagedVersion,
  type VersionedReplaceProcessResult,
  type VersionedReplaceSpec,
} from './versioned-replace.js';
// Parse helpers for the ACL/map/table outputs (from @haproxyadmin/protocol, re-declared in parsers.ts).
export {
  type AclEntry,
  type AclMatch,
  type AclMatchMethod,
  type MapEntry,
  type MapMatch,
  type MapMatchMethod,
  type PatternReference,
  type StickTable,
  type StickTableEntry,
  parseAclEntries,
  parseAclList,
  parseAclMatch,
  parseMapEntries,
  parseMapList,
  parseMapMatch,
  parseTable,
} from './parsers.js';
export {
  entryRefTargets,
  formatPatternId,
  PatternKindError,
  resolvePatternId,
  type PatternId,
  type PatternKind,
} from './pattern-ref.js';
export type * from './types.js';
export { settle } from '../core/settle.js';
export type {
  CallOptions,
  Executor,
  ProcessOutcome,
  ProcessRef,
  ProcessRole,
  RunOptions,
  Targets,
} from '../core/types.js';
export type { CommandArgument } from '@haproxyadmin/protocol';
export { quoteArgument, serializeCommand } from '@haproxyadmin/protocol';
export * from '../errors.js';
