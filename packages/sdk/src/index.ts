/**
 * @haproxyadmin/sdk — manage every HAProxy process through the Runtime API.
 */
export * from './errors.js';
export type * from './core/types.js';
export { settle } from './core/settle.js';
// transports, interceptors, discovery (issue #4)
export * from './transport/index.js';
export { createExecutor, type ExecutorOptions } from './core/create-executor.js';
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
