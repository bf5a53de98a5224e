// PLACEHOLDER — the plugin system engineer replaces this file.
import type { AnyPlugin } from './types.js';
export function installPlugins(_target: object, _plugins: readonly AnyPlugin[]): void {}
