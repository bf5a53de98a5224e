// PLACEHOLDER — the transport engineer replaces this file with the real implementation.
import type { Executor } from './types.js';
import type { ConnectOptions } from '../haproxy.js';
export async function createExecutor(_options: ConnectOptions): Promise<Executor> {
  throw new Error('not implemented yet');
}
