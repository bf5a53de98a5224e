import {
  entryRefTargets,
  mergeSameRows,
  type AclEntry,
  type AclMatch,
  type CommandContext,
  defineCommand,
  expectEmptyReply,
  forEachProcess,
  InconsistentDataError,
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

/**
 * A reference to one entry, as returned by `show` (`{ ref: '0x55d0…' }`): the entry's address in
 * one process's memory. It names nothing (or another entry) on any other process, so `del` refuses
 * it when the client has more than one current process.
 */
export interface AclEntryRef {
  readonly ref: string;
}

/**
 * `show acl`: every ACL, `[{ id, file, description }]` (inline ACLs have an empty `file`).
 * @see management.txt "show acl"
 */
export const listAcls = /* @__PURE__ */ defineCommand({
  id: 'show acl',
  serialize: () => 'show acl',
  parse: (reply) => parseAclList(reply),
  merge: (values: ReadonlyArray<ProcessValue<PatternReference[]>>) =>
    mergeSameRows('show acl', values, (row) => `${row.id} (${row.file ?? ''})`),
  idempotent: true,
});

/**
 * `show acl <id>`: the entries `[{ ref, value }]` of an ACL. Processes must hold the same patterns
 * in the same order (else `InconsistentDataError` naming the first entry that differs, with each
 * process's pattern there). Each `ref` is the address of the entry in the **first** process only:
 * with several processes it is not an identity of the entry (use the pattern), and `del(id, { ref })`
 * is refused.
 */
export const showAcl = /* @__PURE__ */ defineCommand({
  id: 'show acl',
  serialize: (id: AclId) => `show acl ${formatPatternId(id, 'acl')}`,
  parse: (reply) => parseAclEntries(reply),
  merge: (values: ReadonlyArray<ProcessValue<AclEntry[]>>): AclEntry[] =>
    mergeSameRows('show acl', values, (entry) => entry.value),
  idempotent: true,
});

/** Run one write on every current process, all-or-error. */
async function writeEverywhere(context: CommandContext, line: string): Promise<void> {
  for (const reply of settle(line, await context.run(line, { targets: 'current' })))
    expectEmptyReply(reply, line);
}

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
 * `del acl`: remove a pattern.
 *
 * - a string is a pattern value: every entry equal to it is removed on every current process
 *   (HAProxy's behaviour). A value starting with `#0x`, which HAProxy would read as a reference, is
 *   still a pattern: it is looked up with `show acl` and removed by reference on each process;
 * - `{ ref }` (an entry from `show`) removes that one entry, and only with a single current
 *   process: references are per process, so with several the call is refused with
 *   `InvalidArgumentError` (`argument: 'ref'`) before anything is sent.
 */
export const delAclEntry = /* @__PURE__ */ defineCommand({
  id: 'del acl',
  run: async (context: CommandContext, id: AclId, patternOrRef: string | AclEntryRef): Promise<void> => {
    if (typeof patternOrRef === 'object' && patternOrRef !== null) {
      const targets = await entryRefTargets(context, patternOrRef.ref, 'acl');
      const line = `del acl ${await resolvePatternId(context, id, 'acl')} #${patternOrRef.ref}`;
      return expectEmptyReply(only(await context.run(line, { targets }), line), line);
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
      if (refs.length === 0) {
        throw new NotFoundError('acl entry', patternOrRef, {
          message: `no pattern equal to ${JSON.stringify(patternOrRef)} (a string is a pattern; an entry reference from show() is passed as { ref })`,
        });
      }
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
      throw new InconsistentDataError(line, results);
    return results[0]!.value;
  },
});
