import { CommandFailedError } from '@haproxyadmin/protocol';

/**
 * For writes that answer nothing on success (`add acl`, `set map`, `clear table`…): accept an empty
 * reply and turn any text into a `CommandFailedError`, so an error message is never taken for data.
 *
 * @throws {CommandFailedError}
 */
export function expectEmptyReply(reply: string, line: string): void {
  if (reply.trim() !== '') throw new CommandFailedError(line, reply);
}
