// PLACEHOLDER — the plugin system engineer replaces this file (keep the exported names
// `AnyPlugin`, `PluginNamespaces`, which packages/sdk/src/haproxy.ts imports).
export interface AnyPlugin {
  readonly name: string;
}
// biome-ignore lint/complexity/noBannedTypes: placeholder until the plugin system lands
export type PluginNamespaces<_P extends readonly AnyPlugin[]> = {};
