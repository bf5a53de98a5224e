/** `hapctl acl …` and `hapctl map …`: the ACL and map plugins from the command line. */
import { readFileSync } from 'node:fs';
import { confirm } from '../confirm.js';
import type { CommandSpec, Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import type { Client } from '../sdk-types.js';
import { reportDone } from './write.js';

type AclApi = Client['acl'];
type MapApi = Client['map'];

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

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'stdin' : path}: ${(error as Error).message}`);
  }
}

/** ACL patterns from a file: one per line, `#` comments and blank lines skipped; or a JSON array. */
export function readAclFile(path: string): string[] {
  const text = readInput(path);
  if (path.endsWith('.json')) {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new UsageError(`${path}: expected a JSON array of strings`);
    }
    return value as string[];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Map entries from a file: `key value` per line (the key is the first word, the value the rest of
 * the line), `#` comments and blank lines skipped; or JSON (`{"key": "value"}` or `[["key","value"]]`)
 * for keys with spaces.
 */
export function readMapFile(path: string): Array<[string, string]> {
  const text = readInput(path);
  if (path.endsWith('.json')) {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) {
      if (
        value.some(
          (item) =>
            !Array.isArray(item) || item.length !== 2 || item.some((part) => typeof part !== 'string'),
        )
      ) {
        throw new UsageError(`${path}: expected [["key", "value"], …]`);
      }
      return value as Array<[string, string]>;
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.some(([, item]) => typeof item !== 'string'))
        throw new UsageError(`${path}: values must be strings`);
      return entries as Array<[string, string]>;
    }
    throw new UsageError(`${path}: expected a JSON object or array`);
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

/** Human rendering of a `get` result (whatever fields the plugin returns). */
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
    context.print(
      `${context.style.bold(key)}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
}

type Kind = 'acl' | 'map';

function listCommand(kind: Kind): CommandSpec {
  return {
    name: `${kind} list`,
    summary: `every ${kind === 'acl' ? 'ACL' : 'map'} HAProxy knows (id, file, description)`,
    usage: [`${kind} list [--json]`],
    args: [0, 0],
    connects: true,
    async run(context) {
      const hap = await context.hap();
      const items = await (kind === 'acl' ? hap.acl.list() : hap.map.list());
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
  };
}

async function destroy(context: Context, question: string): Promise<boolean> {
  if (await confirm(context, question)) return true;
  context.note('hapctl: aborted');
  return false;
}

function aclCommands(): CommandSpec[] {
  const api = async (context: Context): Promise<AclApi> => (await context.hap()).acl;
  return [
    listCommand('acl'),
    {
      name: 'acl show',
      summary: 'the patterns of an ACL',
      usage: ['acl show ID|FILE [--json]'],
      args: [1, 1],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const entries = await (await api(context)).show(id);
        if (context.json) context.printJson(entries);
        else
          context.table(
            [
              { header: 'REF', value: (entry) => entry.ref, priority: 2 },
              { header: 'PATTERN', value: (entry) => entry.value, flexible: true, priority: 10 },
            ],
            entries,
          );
        return 0;
      },
    },
    {
      name: 'acl add',
      summary: 'add one or more patterns to an ACL (stored exactly as given: spaces, ;, # and \\ are safe)',
      usage: ['acl add ID|FILE PATTERN [PATTERN…]'],
      args: [2, Number.POSITIVE_INFINITY],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const patterns = context.args.slice(1);
        const acl = await api(context);
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
          {
            action: 'acl-add',
            id,
            added: patterns.length,
          },
        );
      },
    },
    {
      name: 'acl del',
      destructive: true,
      summary: 'delete a pattern (or #REF) from an ACL (asks first; --yes)',
      usage: ['acl del ID|FILE PATTERN|#0xREF [--yes]'],
      options: ['yes'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const pattern = context.arg(1, 'PATTERN');
        if (!(await destroy(context, `delete ${JSON.stringify(pattern)} from acl ${idText(id)}`)))
          return ExitCode.error;
        await (await api(context)).del(id, patternOrRef(pattern));
        return reportDone(context, `${JSON.stringify(pattern)} deleted from acl ${idText(id)}`, {
          action: 'acl-del',
          id,
          pattern,
        });
      },
    },
    {
      name: 'acl clear',
      destructive: true,
      summary: 'remove every pattern of an ACL (asks first; --yes)',
      usage: ['acl clear ID|FILE [--yes]'],
      options: ['yes'],
      args: [1, 1],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        if (!(await destroy(context, `clear every pattern of acl ${idText(id)}`))) return ExitCode.error;
        await (await api(context)).clear(id);
        return reportDone(context, `acl ${idText(id)} cleared`, { action: 'acl-clear', id });
      },
    },
    {
      name: 'acl get',
      summary: 'test a value against an ACL and show the matching pattern',
      usage: ['acl get ID|FILE VALUE [--json]'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        printMatch(context, await (await api(context)).get(id, context.arg(1, 'VALUE')));
        return 0;
      },
    },
    {
      name: 'acl replace',
      summary:
        'replace every pattern of an ACL atomically from a file (one per line, or a JSON array; - = stdin)',
      usage: ['acl replace ID|FILE PATTERN_FILE'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const patterns = readAclFile(context.arg(1, 'PATTERN_FILE'));
        const acl = await api(context);
        const progress = await bulkProgress(context, `acl ${idText(id)}`, patterns.length);
        try {
          await acl.replace(id, patterns, { onProgress: progress.onProgress });
        } finally {
          progress.finish();
        }
        return reportDone(context, `acl ${idText(id)} replaced with ${patterns.length} patterns (atomic)`, {
          action: 'acl-replace',
          id,
          count: patterns.length,
        });
      },
    },
  ];
}

function mapCommands(): CommandSpec[] {
  const api = async (context: Context): Promise<MapApi> => (await context.hap()).map;
  const write = (verb: 'add' | 'set', summary: string): CommandSpec => ({
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
      await (await api(context))[verb](id, key, value);
      return reportDone(context, `map ${idText(id)}: ${JSON.stringify(key)} → ${JSON.stringify(value)}`, {
        action: `map-${verb}`,
        id,
        key,
        value,
      });
    },
  });
  return [
    listCommand('map'),
    {
      name: 'map show',
      summary: 'the entries of a map',
      usage: ['map show ID|FILE [--json]'],
      args: [1, 1],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const entries = await (await api(context)).show(id);
        if (context.json) context.printJson(entries);
        else
          context.table(
            [
              { header: 'REF', value: (entry) => entry.ref, priority: 2 },
              { header: 'KEY', value: (entry) => entry.key, flexible: true, priority: 10 },
              { header: 'VALUE', value: (entry) => entry.value, flexible: true, priority: 9 },
            ],
            entries,
          );
        return 0;
      },
    },
    write('add', 'add an entry to a map'),
    write('set', 'change the value of an existing key'),
    {
      name: 'map del',
      destructive: true,
      summary: 'delete a key (or #REF) from a map (asks first; --yes)',
      usage: ['map del ID|FILE KEY|#0xREF [--yes]'],
      options: ['yes'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const key = context.arg(1, 'KEY');
        if (!(await destroy(context, `delete ${JSON.stringify(key)} from map ${idText(id)}`)))
          return ExitCode.error;
        await (await api(context)).del(id, patternOrRef(key));
        return reportDone(context, `${JSON.stringify(key)} deleted from map ${idText(id)}`, {
          action: 'map-del',
          id,
          key,
        });
      },
    },
    {
      name: 'map clear',
      destructive: true,
      summary: 'remove every entry of a map (asks first; --yes)',
      usage: ['map clear ID|FILE [--yes]'],
      options: ['yes'],
      args: [1, 1],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        if (!(await destroy(context, `clear every entry of map ${idText(id)}`))) return ExitCode.error;
        await (await api(context)).clear(id);
        return reportDone(context, `map ${idText(id)} cleared`, { action: 'map-clear', id });
      },
    },
    {
      name: 'map get',
      summary: 'look a key up in a map and show the matching entry',
      usage: ['map get ID|FILE KEY [--json]'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        printMatch(context, await (await api(context)).get(id, context.arg(1, 'KEY')));
        return 0;
      },
    },
    {
      name: 'map replace',
      summary: 'replace every entry of a map atomically from a file ("key value" lines, or JSON; - = stdin)',
      usage: ['map replace ID|FILE ENTRIES_FILE'],
      args: [2, 2],
      connects: true,
      async run(context) {
        const id = parsePatternId(context.args[0], context.command.name);
        const entries = readMapFile(context.arg(1, 'ENTRIES_FILE'));
        const map = await api(context);
        const progress = await bulkProgress(context, `map ${idText(id)}`, entries.length);
        try {
          await map.replace(id, entries, { onProgress: progress.onProgress });
        } finally {
          progress.finish();
        }
        return reportDone(context, `map ${idText(id)} replaced with ${entries.length} entries (atomic)`, {
          action: 'map-replace',
          id,
          count: entries.length,
        });
      },
    },
  ];
}

export const patternCommands: CommandSpec[] = [...aclCommands(), ...mapCommands()];
