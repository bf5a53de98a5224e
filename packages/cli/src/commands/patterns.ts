/** `hapctl acl …` and `hapctl map …`: the ACL and map plugins from the command line. */
import { readFileSync } from 'node:fs';
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import type { Client } from '../sdk-types.js';
import type { Column } from '../table.js';
import { reportDone } from './write.js';

/**
 * `5` or `#5` → HAProxy's numeric id; `file:PATH` → a file path (even `file:123`); anything else →
 * a file path as written in the configuration.
 */
export function parsePatternId(text: string | undefined, command: string): number | string {
  if (text === undefined || text === '')
    throw new UsageError('missing ACL/map id (#N, N or a file path)', command);
  const numeric = /^#?(\d+)$/.exec(text);
  if (numeric) return Number(numeric[1]);
  if (text.startsWith('file:')) return text.slice('file:'.length);
  return text;
}

const idText = (id: number | string) => (typeof id === 'number' ? `#${id}` : id);

function readInput(path: string, stdinText: string | undefined): string {
  if (path === '-' && stdinText !== undefined) return stdinText;
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'stdin' : path}: ${(error as Error).message}`);
  }
}

/**
 * All of the CLI's stdin (the `io.stdin` given to `run()`, so in-process callers can feed it), or
 * undefined when that stream cannot be iterated (then the process's fd 0 is read).
 */
async function readStdin(context: Context): Promise<string | undefined> {
  const stdin = context.io.stdin;
  if (!stdin?.[Symbol.asyncIterator]) return undefined;
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    throw new UsageError(`cannot read stdin: ${(error as Error).message}`);
  }
  return text + decoder.decode();
}

/** How `replace` reads its file: one item per line, or JSON. */
export type InputFormat = 'lines' | 'json';

/** `--format` as given (validated), or undefined when not given. */
export function parseInputFormat(value: string | undefined, command?: string): InputFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'lines' || value === 'json') return value;
  throw new UsageError(`--format must be lines or json, got ${JSON.stringify(value)}`, command);
}

const inputName = (path: string) => (path === '-' ? 'stdin' : path);

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${inputName(path)} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The text as JSON when it starts with `[` or `{` and parses; undefined otherwise (ACL patterns such
 * as `[a-z]+` do not parse, so they stay lines).
 */
function jsonOrUndefined(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The format to read `text` with: `--format` when given, else JSON for a `.json` file and lines
 * otherwise — but lines that are really JSON of the shape `looksRight` expects are refused: loading
 * them literally would replace everything with one garbage entry.
 */
function chooseFormat(
  path: string,
  text: string,
  format: InputFormat | undefined,
  looksRight: (value: unknown) => boolean,
  kind: string,
): InputFormat {
  if (format) return format;
  if (path.endsWith('.json')) return 'json';
  const value = jsonOrUndefined(text);
  if (value !== undefined && looksRight(value)) {
    throw new UsageError(
      `${inputName(path)} looks like JSON: pass --format json to read it as JSON, or --format lines to load each line literally`,
      `${kind} replace`,
    );
  }
  return 'lines';
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

const isPairArray = (value: unknown): value is Array<[string, string]> =>
  Array.isArray(value) &&
  value.every((item) => Array.isArray(item) && item.length === 2 && isStringArray(item));

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((item) => typeof item === 'string');

/**
 * ACL patterns from a file (`-`: stdin, `stdinText` when already read): one per line, `#` comments
 * and blank lines skipped; or a JSON array of strings (`format` json, or a `.json` file). Lines that
 * are a JSON array of strings are refused unless `format` says which.
 */
export function readAclFile(path: string, stdinText?: string, format?: InputFormat): string[] {
  const text = readInput(path, stdinText);
  if (chooseFormat(path, text, format, isStringArray, 'acl') === 'json') {
    const value = parseJson(path, text);
    if (!isStringArray(value)) {
      throw new UsageError(`${inputName(path)}: expected a JSON array of strings`);
    }
    return value;
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Map entries from a file: `key value` per line (the key is the first word, the value the rest of
 * the line), `#` comments and blank lines skipped; or JSON (`{"key": "value"}` or `[["key","value"]]`)
 * for keys with spaces (`format` json, or a `.json` file). Lines that are JSON of one of those shapes
 * are refused unless `format` says which.
 */
export function readMapFile(path: string, stdinText?: string, format?: InputFormat): Array<[string, string]> {
  const text = readInput(path, stdinText);
  const looksRight = (value: unknown) => isPairArray(value) || isStringRecord(value);
  if (chooseFormat(path, text, format, looksRight, 'map') === 'json') {
    const value = parseJson(path, text);
    if (Array.isArray(value)) {
      if (!isPairArray(value)) throw new UsageError(`${inputName(path)}: expected [["key", "value"], …]`);
      return value;
    }
    if (typeof value === 'object' && value !== null) {
      if (!isStringRecord(value)) throw new UsageError(`${inputName(path)}: values must be strings`);
      return Object.entries(value);
    }
    throw new UsageError(`${inputName(path)}: expected a JSON object or array`);
  }
  const entries: Array<[string, string]> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+)(?:\s+(.*))?$/.exec(line);
    if (!match || match[2] === undefined) throw new UsageError(`${path}:${index + 1}: expected "key value"`);
    entries.push([match[1]!, match[2]]);
  });
  return entries;
}

interface ProgressEvent {
  readonly phase: string;
  readonly process: { readonly key: string };
  readonly done: number;
  readonly total: number;
}

/**
 * A progress bar over every process for a bulk load: entries staged on each process (`add` phase),
 * summed; the commit shows as the last step.
 */
async function bulkProgress(context: Context, what: string, count: number) {
  const processes = (await (await context.hap()).executor.processes()).filter((process) => process.current);
  const bar = createProgress(context.io.stderr, `loading ${what}`, Math.max(1, count * processes.length));
  const staged = new Map<string, number>();
  return {
    onProgress(event: ProgressEvent) {
      if (event.phase === 'add') staged.set(event.process.key, event.done);
      let done = 0;
      for (const value of staged.values()) done += value;
      bar.update(done, event.phase === 'add' ? '' : event.phase);
    },
    finish: () => bar.finish(),
  };
}

/** `#0x55d0…` is an entry reference (from `show`); anything else is a literal pattern or key. */
function patternOrRef(text: string): string | { ref: string } {
  return /^#0x[0-9a-f]+$/i.test(text) ? { ref: text.slice(1) } : text;
}

/**
 * One value of a `get` result as text: strings quoted, objects as `key: value, …` (nested ones in
 * braces), arrays comma-separated — never `[object Object]`.
 */
export function formatMatchValue(value: unknown, nested = false): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.map((item) => formatMatchValue(item, true)).join(', ');
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${formatMatchValue(item, true)}`)
      .join(', ');
    return nested ? `{${fields}}` : fields;
  }
  return String(value);
}

/**
 * Human rendering of a `get` result (whatever fields the plugin returns): `key: value` lines; a list
 * of objects (HAProxy's answer per match method) as one indented `- …` line per object.
 */
function printMatch(context: Context, result: unknown): void {
  if (context.json) {
    context.printJson(result ?? null);
    return;
  }
  if (result === null || result === undefined || typeof result !== 'object') {
    context.print(String(result));
    return;
  }
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    const name = context.style.bold(key);
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && item)) {
      context.print(`${name}:`);
      for (const item of value) context.print(`  - ${formatMatchValue(item)}`);
    } else {
      context.print(`${name}: ${formatMatchValue(value)}`);
    }
  }
}

type Kind = 'acl' | 'map';
type PatternId = number | string;

/** What the shared commands need of `hap.acl` and `hap.map` (both plugins have this shape). */
interface PatternApi<Entry, Item> {
  /** Both plugins list the same kind of reference: id, file, description. */
  list: Client['acl']['list'];
  show(id: PatternId): Promise<Entry[]>;
  del(id: PatternId, patternOrRef: string | { ref: string }): Promise<unknown>;
  clear(id: PatternId): Promise<unknown>;
  get(id: PatternId, value: string): Promise<unknown>;
  replace(
    id: PatternId,
    items: Item[],
    options: { onProgress(event: ProgressEvent): void },
  ): Promise<unknown>;
}

/**
 * Everything that differs between `hapctl acl …` and `hapctl map …`; `patternKindCommands` builds the
 * commands both have (list, show, del, clear, get, replace) from it the same way.
 */
interface PatternKind<Entry, Item> {
  /** The command group, and the word in messages and JSON actions. */
  readonly kind: Kind;
  /**
   * How summaries name it (`ACL`, `map`), with its article (`an ACL`, `a map`), and what it holds
   * (`pattern`/`patterns`, `entry`/`entries`).
   */
  readonly words: {
    readonly title: string;
    readonly aTitle: string;
    readonly item: string;
    readonly items: string;
  };
  readonly api: (hap: Client) => PatternApi<Entry, Item>;
  /** The columns of `show` after REF. */
  readonly showColumns: Column<Entry>[];
  /** The positional `del` removes (its JSON field is the same word in lower case). */
  readonly delArg: 'PATTERN' | 'KEY';
  readonly get: { readonly summary: string; readonly arg: 'VALUE' | 'KEY' };
  readonly replace: {
    readonly summary: string;
    readonly fileArg: string;
    readonly details: string;
    read(path: string, stdinText?: string, format?: InputFormat): Item[];
  };
  /** The commands that write one pattern or entry, listed after `show`. */
  readonly writes: CommandSpec[];
}

async function destroy(context: Context, question: string): Promise<boolean> {
  if (await confirm(context, question)) return true;
  context.note('hapctl: aborted');
  return false;
}

function patternKindCommands<Entry extends { ref: string }, Item>(
  spec: PatternKind<Entry, Item>,
): CommandSpec[] {
  const { kind, words } = spec;
  const showColumns: Column<Entry>[] = [
    { header: 'REF', value: (entry) => entry.ref, priority: 2 },
    ...spec.showColumns,
  ];
  const api = async (context: Context) => spec.api(await context.hap());
  const id = (context: Context) => parsePatternId(context.args[0], context.command.name);
  const field = spec.delArg.toLowerCase();
  return [
    {
      name: `${kind} list`,
      summary: `every ${words.title} HAProxy knows (id, file, description)`,
      usage: [`${kind} list [--json]`],
      args: [0, 0],
      connects: true,
      async run(context) {
        const items = await (await api(context)).list();
        if (context.json) {
          context.printJson(items);
          return 0;
        }
        context.table(
          [
            { header: 'ID', value: (item) => `#${item.id}`, align: 'right', priority: 10 },
            { header: 'FILE', value: (item) => item.file || '-', flexible: true, priority: 9 },
            { header: 'DESCRIPTION', value: (item) => item.description, flexible: true, priority: 2 },
          ],
          items,
        );
        return 0;
      },
    },
    {
      name: `${kind} show`,
      summary: `the ${words.items} of ${words.aTitle}`,
      usage: [`${kind} show ID|FILE [--json]`],
      args: [1, 1],
      connects: true,
      async run(context) {
        const target = id(context);
        const entries = await (await api(context)).show(target);
        if (context.json) context.printJson(entries);
        else context.table(showColumns, entries);
        return 0;
      },
    },
    ...spec.writes,
    {
      name: `${kind} del`,
      destructive: true,
      summary: `delete a ${field} (or #REF) from ${words.aTitle} (asks first; --yes)`,
      usage: [`${kind} del ID|FILE ${spec.delArg}|#0xREF [--yes]`],
      options: ['yes'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const target = id(context);
        const item = context.arg(1, spec.delArg);
        if (!(await destroy(context, `delete ${JSON.stringify(item)} from ${kind} ${idText(target)}`)))
          return ExitCode.error;
        await (await api(context)).del(target, patternOrRef(item));
        return reportDone(context, `${JSON.stringify(item)} deleted from ${kind} ${idText(target)}`, {
          action: `${kind}-del`,
          id: target,
          [field]: item,
        });
      },
    },
    {
      name: `${kind} clear`,
      destructive: true,
      summary: `remove every ${words.item} of ${words.aTitle} (asks first; --yes)`,
      usage: [`${kind} clear ID|FILE [--yes]`],
      options: ['yes'],
      args: [1, 1],
      connects: true,
      async run(context) {
        const target = id(context);
        if (!(await destroy(context, `clear every ${words.item} of ${kind} ${idText(target)}`)))
          return ExitCode.error;
        await (await api(context)).clear(target);
        return reportDone(context, `${kind} ${idText(target)} cleared`, {
          action: `${kind}-clear`,
          id: target,
        });
      },
    },
    {
      name: `${kind} get`,
      summary: spec.get.summary,
      usage: [`${kind} get ID|FILE ${spec.get.arg} [--json]`],
      args: [2, 2],
      connects: true,
      async run(context) {
        const target = id(context);
        printMatch(context, await (await api(context)).get(target, context.arg(1, spec.get.arg)));
        return 0;
      },
    },
    {
      name: `${kind} replace`,
      summary: spec.replace.summary,
      usage: [`${kind} replace ID|FILE ${spec.replace.fileArg} [--format lines|json]`],
      details: spec.replace.details,
      options: ['format'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const target = id(context);
        const path = context.arg(1, spec.replace.fileArg);
        const format = parseInputFormat(context.options.format, context.command.name);
        const items = spec.replace.read(path, path === '-' ? await readStdin(context) : undefined, format);
        const plugin = await api(context);
        const progress = await bulkProgress(context, `${kind} ${idText(target)}`, items.length);
        try {
          await plugin.replace(target, items, { onProgress: progress.onProgress });
        } finally {
          progress.finish();
        }
        return reportDone(
          context,
          `${kind} ${idText(target)} replaced with ${items.length} ${items.length === 1 ? words.item : words.items} (atomic)`,
          { action: `${kind}-replace`, id: target, count: items.length },
        );
      },
    },
  ];
}

const aclCommands = patternKindCommands({
  kind: 'acl',
  words: { title: 'ACL', aTitle: 'an ACL', item: 'pattern', items: 'patterns' },
  api: (hap) => hap.acl,
  showColumns: [{ header: 'PATTERN', value: (entry) => entry.value, flexible: true, priority: 10 }],
  delArg: 'PATTERN',
  get: { summary: 'test a value against an ACL and show the matching pattern', arg: 'VALUE' },
  replace: {
    summary:
      'replace every pattern of an ACL atomically from a file (one per line, or a JSON array; - = stdin)',
    fileArg: 'PATTERN_FILE',
    details:
      'PATTERN_FILE is read as one pattern per line (# comments and blank lines skipped), or with --format json as a JSON array of strings. Without --format, a .json file is JSON and anything else lines; lines that are a JSON array of strings are refused (exit 2, nothing sent): say --format json, or --format lines to load them literally. - reads stdin.',
    read: readAclFile,
  },
  writes: [
    {
      name: 'acl add',
      summary: 'add one or more patterns to an ACL (stored exactly as given: spaces, ;, # and \\ are safe)',
      usage: ['acl add ID|FILE PATTERN [PATTERN…]'],
      args: [2, Number.POSITIVE_INFINITY],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const patterns = context.args.slice(1);
        const acl = (await context.hap()).acl;
        const progress = createProgress(
          context.io.stderr,
          `acl add ${idText(id)}`,
          patterns.length > 1 ? patterns.length : undefined,
        );
        try {
          for (const pattern of patterns) {
            await acl.add(id, pattern);
            progress.tick();
          }
        } finally {
          progress.finish();
        }
        return reportDone(
          context,
          `${patterns.length} pattern${patterns.length === 1 ? '' : 's'} added to acl ${idText(id)}`,
          { action: 'acl-add', id, added: patterns.length },
        );
      },
    },
  ],
});

/** `map add` and `map set`: one key and value, the same but for the verb. */
function mapWrite(verb: 'add' | 'set', summary: string): CommandSpec {
  return {
    name: `map ${verb}`,
    summary,
    usage: [`map ${verb} ID|FILE KEY VALUE`],
    details:
      'Keys and values are stored exactly as given: quote them for your shell; spaces, ;, # and \\ are safe.',
    args: [3, 3],
    connects: true,
    async run(context) {
      const id = parsePatternId(context.args[0], context.command.name);
      const key = context.arg(1, 'KEY');
      const value = context.arg(2, 'VALUE');
      await (await context.hap()).map[verb](id, key, value);
      return reportDone(context, `map ${idText(id)}: ${JSON.stringify(key)} → ${JSON.stringify(value)}`, {
        action: `map-${verb}`,
        id,
        key,
        value,
      });
    },
  };
}

const mapCommands = patternKindCommands({
  kind: 'map',
  words: { title: 'map', aTitle: 'a map', item: 'entry', items: 'entries' },
  api: (hap) => hap.map,
  showColumns: [
    { header: 'KEY', value: (entry) => entry.key, flexible: true, priority: 10 },
    { header: 'VALUE', value: (entry) => entry.value, flexible: true, priority: 9 },
  ],
  delArg: 'KEY',
  get: { summary: 'look a key up in a map and show the matching entry', arg: 'KEY' },
  replace: {
    summary: 'replace every entry of a map atomically from a file ("key value" lines, or JSON; - = stdin)',
    fileArg: 'ENTRIES_FILE',
    details:
      'ENTRIES_FILE is read as "key value" lines (the key is the first word; # comments and blank lines skipped), or with --format json as {"key": "value"} or [["key", "value"]] (keys with spaces). Without --format, a .json file is JSON and anything else lines; lines that are JSON of those shapes are refused (exit 2, nothing sent): say --format json, or --format lines to load them literally. - reads stdin.',
    read: readMapFile,
  },
  writes: [mapWrite('add', 'add an entry to a map'), mapWrite('set', 'change the value of an existing key')],
});

export const patternCommands: CommandSpec[] = [...aclCommands, ...mapCommands];
