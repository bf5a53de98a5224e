import { InvalidArgumentError } from './errors.js';

/**
 * Characters HAProxy's CLI parser treats specially inside a word (1.9+): `;` separates commands,
 * space and tab separate words, and `\` escapes the next character. There is no quoting.
 */
const SPECIAL = /[\\; \t]/g;
const FORBIDDEN = /[\r\n\0]/;

/** One argument of a command line: strings are escaped, numbers must be finite integers. */
export type CommandArgument = string | number | bigint;

/**
 * Escape one argument so that HAProxy reads it back as exactly `arg`.
 *
 * `;`, space, tab and `\` are prefixed with `\`; a word that would otherwise start a payload (`<<`)
 * is escaped too. CR, LF and NUL cannot be expressed on the CLI and are refused, as is the empty
 * string (an empty word does not exist without quotes).
 *
 * @throws {InvalidArgumentError} for CR/LF/NUL, an empty string, or a non-integer number.
 * @example quoteArgument('val with space;semi\\back') // 'val\\ with\\ space\\;semi\\\\back'
 * @see management.txt §4 "Unix Socket commands" (escaping with backslash)
 */
export function quoteArgument(arg: CommandArgument, name = 'argument'): string {
  if (typeof arg === 'number') {
    if (!Number.isSafeInteger(arg)) {
      throw new InvalidArgumentError(`${name} must be a safe integer, got ${String(arg)}`, {
        argument: name,
        value: arg,
      });
    }
    return String(arg);
  }
  if (typeof arg === 'bigint') return arg.toString();
  if (typeof arg !== 'string') {
    throw new InvalidArgumentError(`${name} must be a string or a number, got ${typeof arg}`, {
      argument: name,
      value: arg,
    });
  }
  if (arg.length === 0) {
    throw new InvalidArgumentError(`${name} must not be empty`, { argument: name, value: arg });
  }
  if (FORBIDDEN.test(arg)) {
    throw new InvalidArgumentError(`${name} must not contain CR, LF or NUL characters`, {
      argument: name,
      value: arg,
    });
  }
  const escaped = arg.replace(SPECIAL, (char) => `\\${char}`);
  // HAProxy looks for a payload marker in the raw line before unescaping: 2.6 starts a payload when
  // the line merely ends with `<<` (`add acl #0 /x<<` waits for payload lines), and 2.9+ also reads a
  // last word starting with `<<` as `<<MARK`. `\<` reads back as `<`, so escape both ends.
  const head = escaped.startsWith('<<') ? `\\${escaped}` : escaped;
  return head.endsWith('<<') ? `${head.slice(0, -1)}\\<` : head;
}

/**
 * Build one command line from a verb (trusted, written by us: `show stat`, `set weight`) and
 * arguments (untrusted: escaped with {@link quoteArgument}). The result has no trailing newline.
 *
 * @example serializeCommand('set weight', 'be_app/s1', 50) // 'set weight be_app/s1 50'
 */
export function serializeCommand(verb: string, ...args: CommandArgument[]): string {
  if (verb.length === 0 || FORBIDDEN.test(verb) || verb.includes(';')) {
    throw new InvalidArgumentError(`invalid command verb ${JSON.stringify(verb)}`, {
      argument: 'verb',
      value: verb,
    });
  }
  if (args.length === 0) return verb;
  return `${verb} ${args.map((arg, index) => quoteArgument(arg, `argument ${index + 1}`)).join(' ')}`;
}

/**
 * The inverse of HAProxy's word splitting (the server side): split one command into words the
 * way HAProxy 1.9+ does. Used by the fake HAProxy and by property tests.
 * Returns the commands of a `;`-chained line, each as its list of words.
 */
export function tokenizeCommandLine(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '\\' && i + 1 < line.length) {
      const next = line[++i]!;
      word += next;
      inWord = true;
    } else if (char === '\\') {
      // A lone trailing backslash is dropped.
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (char === ';') {
      if (inWord) words.push(word);
      commands.push(words);
      words = [];
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  commands.push(words);
  return commands;
}
