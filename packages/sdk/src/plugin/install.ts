import { PluginConflictError } from '../errors.js';
import type { Executor } from '../core/types.js';
import { executeCommand } from './execute.js';
import type { AnyCommand, AnyPlugin } from './types.js';

/**
 * Names no plugin may take, besides every property an `HAProxy` client already has (its methods,
 * `executor`, and `Object.prototype`'s members), which are checked on the object itself.
 */
export const RESERVED_NAMESPACES: ReadonlySet<string> = new Set([
  'close',
  'command',
  'execute',
  'executor',
  'options',
  'plugins',
  'connect',
  'then',
  'catch',
  'finally',
  'constructor',
  'prototype',
  '__proto__',
]);

const NAMESPACE = /^[a-z][A-Za-z0-9]*$/;

/**
 * Check plugins against a client (or its prototype) without changing anything: valid shape,
 * supported `apiVersion`, a lower-case identifier as name, no duplicate, no reserved or taken name.
 *
 * @throws {PluginConflictError}
 */
export function checkPlugins(target: object, plugins: readonly AnyPlugin[]): void {
  if (!Array.isArray(plugins)) throw new PluginConflictError('', '`plugins` must be an array of plugins');
  const seen = new Set<string>();
  for (const plugin of plugins) {
    const name = typeof plugin?.name === 'string' ? plugin.name : '';
    if (!plugin || typeof plugin !== 'object' || !plugin.commands || typeof plugin.commands !== 'object') {
      throw new PluginConflictError(
        name,
        `plugin ${JSON.stringify(name)} is not a plugin (use definePlugin())`,
      );
    }
    if (plugin.apiVersion !== 1) {
      throw new PluginConflictError(
        name,
        `plugin ${JSON.stringify(name)} targets plugin apiVersion ${String(plugin.apiVersion)}; this SDK implements apiVersion 1`,
      );
    }
    if (!NAMESPACE.test(name)) {
      throw new PluginConflictError(
        name,
        `plugin name ${JSON.stringify(name)} must be a lower-case identifier`,
      );
    }
    if (seen.has(name)) throw new PluginConflictError(name, `two plugins are named ${JSON.stringify(name)}`);
    if (RESERVED_NAMESPACES.has(name) || name in target) {
      throw new PluginConflictError(
        name,
        `plugin name ${JSON.stringify(name)} is reserved: HAProxy already has a member of that name`,
      );
    }
    for (const [key, command] of Object.entries(plugin.commands)) {
      if (!command || (command as AnyCommand).kind !== 'haproxyadmin.command') {
        throw new PluginConflictError(name, `${name}.${key} is not a command (use defineCommand())`);
      }
    }
    seen.add(name);
  }
}

/** Runs a plugin command (e.g. so that the object model knows a command it did not build ran). */
export type AroundCommand = <R>(run: () => Promise<R>) => Promise<R>;

const direct: AroundCommand = (run) => run();

function bind(executor: Executor, plugin: AnyPlugin, around: AroundCommand): object {
  const namespace: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [key, command] of Object.entries(plugin.commands)) {
    const method = (...args: unknown[]) => around(() => executeCommand(executor, command, args));
    Object.defineProperty(method, 'name', { value: key });
    namespace[key] = method;
  }
  return Object.freeze(namespace);
}

/**
 * Give `target` one read-only own property per plugin, holding the plugin's commands bound to the
 * target's executor. Checks everything first, so a conflict leaves `target` unchanged.
 *
 * @throws {PluginConflictError}
 */
export function installPlugins(
  target: { readonly executor: Executor },
  plugins: readonly AnyPlugin[],
  around: AroundCommand = direct,
): void {
  checkPlugins(target, plugins);
  for (const plugin of plugins) {
    Object.defineProperty(target, plugin.name, {
      value: bind(target.executor, plugin, around),
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }
}
