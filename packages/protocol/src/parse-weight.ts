import { ProtocolError } from './errors.js';

/** The reply of `get weight <backend>/<server>`. */
export interface ServerWeight {
  /** The current (user) weight. */
  readonly current: number;
  /** The weight from the configuration. */
  readonly initial: number;
}

/**
 * Parse `get weight` (`50 (initial 50)`).
 *
 * @throws {ProtocolError} on another reply (e.g. `No such server.`).
 */
export function parseWeight(text: string): ServerWeight {
  const match = /^(\d+) \(initial (\d+)\)\n*$/.exec(text);
  if (!match)
    throw new ProtocolError('get weight: unexpected reply', {
      command: 'get weight',
      excerpt: text.slice(0, 80),
    });
  return { current: Number(match[1]), initial: Number(match[2]) };
}
