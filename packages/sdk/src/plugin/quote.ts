import {
  type CommandArgument,
  quoteArgument as quoteWord,
  serializeCommand as serializeLine,
} from '@haproxyadmin/protocol';

/**
 * `quoteArgument` from `@haproxyadmin/protocol`, plus one guard: HAProxy 2.6 enters payload mode
 * when a request line merely *ends* with `<<` (`add acl #0 /x\<<` waits for a payload), so a word
 * ending with `<<` gets its last `<` escaped (`/x<\<`, read back as `/x<<`).
 * TODO: drop once protocol's quoteArgument does this itself.
 *
 * @throws {InvalidArgumentError} for CR/LF/NUL, an empty string, or a non-integer number.
 */
export function quoteArgument(arg: CommandArgument, name?: string): string {
  const word = quoteWord(arg, name);
  return word.endsWith('<<') ? `${word.slice(0, -1)}\\<` : word;
}

/** `serializeCommand` from `@haproxyadmin/protocol`, with the arguments escaped by {@link quoteArgument}. */
export function serializeCommand(verb: string, ...args: CommandArgument[]): string {
  const line = serializeLine(verb);
  if (args.length === 0) return line;
  return `${line} ${args.map((arg, index) => quoteArgument(arg, `argument ${index + 1}`)).join(' ')}`;
}
