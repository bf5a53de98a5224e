/**
 * @haproxyadmin/sdk — manage every HAProxy process through the Runtime API.
 */
export * from './errors.js';
export type * from './core/types.js';
export { settle } from './core/settle.js';
// transports, interceptors, discovery (issue #4)
export * from './transport/index.js';
export { createExecutor, type ExecutorOptions } from './core/create-executor.js';
export type { WatchOptions } from './core/watch.js';
export { HAProxy, type ConnectOptions } from './haproxy.js';
export type { AnyPlugin, Command, Plugin, PluginNamespaces } from './plugin/types.js';
// object model (issue #5)
export { Frontend } from './model/frontend.js';
export { Backend } from './model/backend.js';
export { Server, type ServerState } from './model/server.js';
export { Snapshot, ObjectSnapshot } from './model/snapshot.js';
export type { FrontendSnapshot, BackendSnapshot, ServerSnapshot } from './model/snapshot.js';
export type { ProcessStats, MetricValue } from './model/stat-object.js';
export type { PerProcessValue } from './model/aggregate.js';
export type { ProcessInfo, ProcessErrors } from './model/haproxy-model.js';
// servers, drain, events (issue #8)
export type { ServerHealth, ServerAgentState } from './model/server.js';
export {
  DrainInterruptedError,
  DrainTimeoutError,
  type DrainOptions,
  type DrainProgress,
  type DrainResult,
  type ProcessSessions,
  type ServerDrainResult,
} from './model/drain.js';
export {
  PreconditionFailedError,
  type AddServerOptions,
  type DeleteServerOptions,
} from './model/dynamic-servers.js';
export {
  EVENT_TYPES,
  diffSnapshots,
  type EventObject,
  type EventsOptions,
  type HAProxyEvent,
  type HAProxyEvents,
  type HAProxyEventType,
} from './model/events.js';
export type {
  ProcessServerState,
  ProcessServersState,
  ProcessServersConn,
  ServerConnections,
  ServerStateEntry,
} from './model/servers-state.js';
// runtime API extras (issue #8): reload, stick tables, sessions, resolvers, TLS, HTTP stats
export { ReloadFailedError, type ReloadOptions, type ReloadResult } from './features/reload.js';
export type {
  ProcessTableEntry,
  TableContents,
  TableDataFilter,
  TableEntry,
  TableFilterOperator,
  TableInfo,
  TableSelector,
} from './features/tables.js';
export type { ProcessResolvers, Session } from './features/sessions.js';
export { SslApi, type SslCertDetails, type SslCerts } from './features/ssl.js';
export type { PerProcess } from './features/run.js';
