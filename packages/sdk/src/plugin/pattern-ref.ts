/**
 * ACLs and maps are both HAProxy "pattern references" and share one id space: `add map #<acl id>`
 * silently writes into an ACL, and `add map <acl file>` tries to. These helpers resolve an id and
 * check its kind before anything is written.
 */
import { HAProxyError, InvalidArgumentError, parseAclList, parseMapList } from '@haproxyadmin/protocol';
import { quoteArgument } from '@haproxyadmin/protocol';
import { NotFoundError } from '../errors.js';
import { settle } from '../core/settle.js';
import type { ProcessRef } from '../core/types.js';
import type { CommandContext } from './types.js';

/** An ACL or map: its numeric id (HAProxy's `#<id>`) or the file path it was loaded from. */
export type PatternId = number | string;

/** The two kinds of pattern reference. */
export type PatternKind = 'acl' | 'map';

/** A numeric id or file names an ACL where a map was expected, or the reverse. Nothing was sent. */
export class PatternKindError extends HAProxyError {
  override name = 'PatternKindError';
  readonly id: PatternId;
  readonly expected: PatternKind;
  readonly actual: PatternKind;
  constructor(id: PatternId, expected: PatternKind, actual: PatternKind) {
    super(
      `${typeof id === 'number' ? `#${id}` : JSON.stringify(id)} is ${actual === 'acl' ? 'an ACL' : 'a map'}, not ${expected === 'acl' ? 'an ACL' : 'a map'}: refusing to use it as one (ACLs and maps share one id space)`,
      { code: 'HAPROXY_ERR_KIND_MISMATCH' },
    );
    this.id = id;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The CLI word for an id: `#<n>` for a number, the escaped path for a string (a file named `123`
 * stays a file). Refuses negative or fractional numbers, and strings HAProxy would misread (a
 * leading `@` is a version, a leading `#` an id).
 *
 * @throws {InvalidArgumentError}
 */
export function formatPatternId(id: PatternId, kind: PatternKind = 'map'): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidArgumentError(`${kind} id must be a non-negative integer, got ${id}`, {
        argument: 'id',
        value: id,
      });
    }
    return `#${id}`;
  }
  if (typeof id !== 'string') {
    throw new InvalidArgumentError(`${kind} id must be a number or a file path`, {
      argument: 'id',
      value: id,
    });
  }
  if (id.startsWith('@') || id.startsWith('#')) {
    throw new InvalidArgumentError(
      `${kind} file ${JSON.stringify(id)} cannot be named on the CLI (a leading "@" is read as a version, "#" as an id); pass a numeric id as a number`,
      { argument: 'id', value: id },
    );
  }
  return quoteArgument(id, `${kind} id`);
}

/** True when `id` designates `row` (by number or by file). */
const designates = (row: { id: number; file: string | undefined }, id: PatternId): boolean =>
  typeof id === 'number' ? row.id === id : row.file === id;

/**
 * Check on every current process that `id` is a `kind` (listed by `show <kind>`), and return its CLI
 * word. One round trip when it is; one more to tell an ACL/map mix-up from a missing id.
 *
 * @throws {PatternKindError} the id is the other kind.
 * @throws {NotFoundError} no such ACL/map.
 */
export async function resolvePatternId(
  context: CommandContext,
  id: PatternId,
  kind: PatternKind,
): Promise<string> {
  const word = formatPatternId(id, kind);
  const list = async (which: PatternKind) => {
    const line = `show ${which}`;
    const outcomes = await context.run(line, { idempotent: true, targets: 'current' });
    return settle(line, outcomes).map((reply) =>
      which === 'acl' ? parseAclList(reply) : parseMapList(reply),
    );
  };
  const lists = await list(kind);
  if (lists.length > 0 && lists.every((rows) => rows.some((row) => designates(row, id)))) return word;
  const other: PatternKind = kind === 'acl' ? 'map' : 'acl';
  const others = await list(other);
  if (others.some((rows) => rows.some((row) => designates(row, id))))
    throw new PatternKindError(id, kind, other);
  throw new NotFoundError(kind, typeof id === 'number' ? `#${id}` : id);
}

const ENTRY_REF = /^0x[0-9a-f]+$/i;

/**
 * The processes an entry reference (`0x55d0…`, as `show acl`/`show map` print it) may be sent to. A
 * reference is an address in one process's memory: another process has no entry there, or a
 * different one, so acting on it everywhere would change one process and not the others (or the
 * wrong entry). With more than one current process it is refused before anything is sent.
 *
 * @throws {InvalidArgumentError} a malformed reference, or several current processes.
 */
export async function entryRefTargets(
  context: CommandContext,
  ref: unknown,
  kind: PatternKind,
): Promise<ProcessRef[]> {
  if (typeof ref !== 'string' || !ENTRY_REF.test(ref)) {
    throw new InvalidArgumentError('an entry reference looks like 0x55d0c0a1b2c0', {
      argument: 'ref',
      value: ref,
    });
  }
  const processes = await context.processes();
  if (processes.length > 1) {
    const by = kind === 'acl' ? 'pattern' : 'key';
    throw new InvalidArgumentError(
      `entry reference ${ref} refused: references are per process (an address in one process's memory) and this client has ${processes.length} current processes, so it would change one of them and not the others. Pass the ${by} instead (every entry with that ${by}, on every process), or connect to that one process (HAProxy.connect({ socketFile })) to use its references`,
      { argument: 'ref', value: ref },
    );
  }
  return [...processes];
}
