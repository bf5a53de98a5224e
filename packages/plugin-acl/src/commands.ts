import {
  type AclEntry,
  type AclMatch,
  type CommandContext,
  defineCommand,
  expectEmptyReply,
  forEachProcess,
  InconsistentDataError,
  InvalidArgumentError,
  NotFoundError,
  only,
  type PatternId,
  type PatternReference,
  type ProcessValue,
  parseAclEntries,
  parseAclList,
  parseAclMatch,
  quoteArgument,
  resolvePatternId,
  settle,
  formatPatternId,
} from '@haproxyadmin/sdk/plugin';

/** An ACL: its numeric id (HAProxy's `#<id>`) or the file it was loaded from. A file named `123` is a string. */
export type AclId = PatternId;

/** A reference to one entry of one process, as returned by `show` (`{ ref: '0x55d0…' }`). */
export interface AclEntryRef {
  readonly ref: string;
}

/** Every process must list the same ACLs (by id and file); the first process's rows are returned. */
function sameRows(values: ReadonlyArray<ProcessValue<PatternReference[]>>): PatternReference[] {
  const key = (rows: PatternReference[]) => rows.map((row) => `${row.id}\u0000${row.file}`).join('\n');
  const first = values[0]!.value;
  if (values.some(({ value }) => key(value) !== key(first)))
    throw new InconsistentDataError('show acl', values);
  return first;
}

/**
 * `show acl`: every ACL, `[{ id, file, description }]` (inline ACLs have an empty `file`).
 * @see management.txt "show acl"
 */
export const listAcls = /* @__PURE__ */ defineCommand({
  id: 'show acl',
  serialize: () => 'show acl',
  parse: (reply) => parseAclList(reply),
  merge: sameRows,
  idempotent: true,
});

/**
 * `show acl <id>`: the entries `[{ ref, value }]` of an ACL. Processes must hold the same patterns
 * in the same order (else `InconsistentDataError`); the refs are those of the first process.
 */
export const showAcl = /* @__PURE__ */ defineCommand({
  id: 'show acl',
  serialize: (id: AclId) => `show acl ${formatPatternId(id, 'acl')}`,
  parse: (reply) => parseAclEntries(reply),
  merge: (values: ReadonlyArray<ProcessValue<AclEntry[]>>): AclEntry[] => {
    const key = (entries: AclEntry[]) => entries.map((entry) => entry.value).join('\n');
    const first = values[0]!.value;
    if (values.some(({ value }) => key(value) !== key(first)))
      throw new InconsistentDataError('show acl', values);
    return first;
  },
  idempotent: true,
});

/** Run one write on every current process, all-or-error. */
async function writeEverywhere(context: CommandContext, line: string): Promise<void> {
  for (const reply of settle(line, await context.run(line, { targets: 'current' })))
    expectEmptyReply(reply, line);
}

const REF = /^0x[0-9a-f]+$/i;

/**
 * `add acl <id> <pattern>` on every current process. A numeric id or a file that is a map, not an
 * ACL, is refused with `PatternKindError` before anything is written.
 */
export const addAclEntry = /* @__PURE__ */ defineCommand({
  id: 'add acl',
  run: async (context: CommandContext, id: AclId, pattern: string): Promise<void> => {
    const word = quoteArgument(pattern, 'pattern');
    const acl = await resolvePatternId(context, id, 'acl');
    await writeEverywhere(context, `add acl ${acl} ${word}`);
  },
});

/**
 * `del acl`: remove a pattern on every current process.
 *
 * - a string is a pattern value: every entry equal to it is removed (HAProxy's behaviour). A value
 *   starting with `#0x`, which HAProxy would read as a reference, is looked up with `show acl` and
 *   removed by reference on each process;
 * - `{ ref }` (an entry from `show`) removes that one entry. References are per process: with several
 *   processes, prefer values.
 */
export const delAclEntry = /* @__PURE__ */ defineCommand({
  id: 'del acl',
  run: async (context: CommandContext, id: AclId, patternOrRef: string | AclEntryRef): Promise<void> => {
    if (typeof patternOrRef === 'object' && patternOrRef !== null) {
      if (!REF.test(patternOrRef.ref)) {
        throw new InvalidArgumentError('an entry reference looks like 0x55d0c0a1b2c0', {
          argument: 'ref',
          value: patternOrRef.ref,
        });
      }
      const acl = await resolvePatternId(context, id, 'acl');
      return writeEverywhere(context, `del acl ${acl} #${patternOrRef.ref}`);
    }
    const word = quoteArgument(patternOrRef, 'pattern');
    const acl = await resolvePatternId(context, id, 'acl');
    if (!patternOrRef.startsWith('#0x') && !patternOrRef.startsWith('#0X')) {
      return writeEverywhere(context, `del acl ${acl} ${word}`);
    }
    const processes = await context.processes();
    const outcomes = await forEachProcess(processes, async (process) => {
      const show = `show acl ${acl}`;
      const entries = parseAclEntries(
        only(await context.run(show, { targets: [process], idempotent: true }), show),
      );
      const refs = entries.filter((entry) => entry.value === patternOrRef).map((entry) => entry.ref);
      if (refs.length === 0) throw new NotFoundError('acl entry', patternOrRef);
      for (const ref of refs) {
        const line = `del acl ${acl} #${ref}`;
        expectEmptyReply(only(await context.run(line, { targets: [process] }), line), line);
      }
    });
    settle(`del acl ${acl} ${word}`, outcomes);
  },
});

/** `clear acl <id>`: remove every pattern, on every current process. */
export const clearAcl = /* @__PURE__ */ defineCommand({
  id: 'clear acl',
  run: async (context: CommandContext, id: AclId): Promise<void> => {
    const acl = await resolvePatternId(context, id, 'acl');
    await writeEverywhere(context, `clear acl ${acl}`);
  },
});

/**
 * `get acl <id> <value>`: does `value` match, and which pattern matched —
 * `{ match, pattern, type, caseSensitive, index }`. Processes must agree.
 */
export const getAcl = /* @__PURE__ */ defineCommand({
  id: 'get acl',
  run: async (context: CommandContext, id: AclId, value: string): Promise<AclMatch> => {
    const word = quoteArgument(value, 'value');
    const acl = await resolvePatternId(context, id, 'acl');
    const line = `get acl ${acl} ${word}`;
    const outcomes = await context.run(line, { targets: 'current', idempotent: true });
    const results = settle(line, outcomes).map((reply, index) => ({
      process: outcomes[index]!.process,
      value: parseAclMatch(reply),
    }));
    const first = JSON.stringify(results[0]?.value);
    if (results.some(({ value }) => JSON.stringify(value) !== first))
      throw new InconsistentDataError('get acl', results);
    return results[0]!.value;
  },
});
