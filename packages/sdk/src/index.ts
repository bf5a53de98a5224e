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
