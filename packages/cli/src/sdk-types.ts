/**
 * The SDK client the CLI works with: `HAProxy.connect(...)` with the ACL and map plugins, so
 * `hap.acl` and `hap.map` are typed from the plugins themselves.
 */
import { aclPlugin } from '@haproxyadmin/plugin-acl';
import { mapPlugin } from '@haproxyadmin/plugin-map';
import { type ConnectOptions, HAProxy } from '@haproxyadmin/sdk';

export type { ProcessOutcome, ProcessRef } from '@haproxyadmin/sdk';

/** Connect with both plugins installed. */
export function connectWithPlugins(options: Omit<ConnectOptions, 'plugins'>) {
  return HAProxy.connect({ ...options, plugins: [aclPlugin(), mapPlugin()] });
}

/** The connected client: `HAProxy & { acl, map }`. */
export type Client = Awaited<ReturnType<typeof connectWithPlugins>>;
export type ServerApi = Awaited<ReturnType<Client['servers']>>[number];
export type FrontendApi = Awaited<ReturnType<Client['frontend']>>;
export type ServerStateName = Parameters<ServerApi['setState']>[0];

/** A stats or info value as the SDK types it. */
export type StatValue = number | bigint | string | boolean | null | undefined;
