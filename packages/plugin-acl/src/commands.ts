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
  type ProcessRef,
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
 * Every process must hold the same rows (compared by `text`), else `InconsistentDataError` naming
 * the first row that differs and each process's text of it (`undefined` past its last row). The
 * first process's rows are returned.
 */
function sameRows<T>(
  command: string,
  values: ReadonlyArray<ProcessValue<T[]>>,
  text: (row: T) => string,
): T[] {
  const texts = values.map(({ value }) => value.map(text));
  const length = Math.max(...texts.map((rows) => rows.length));
  for (let index = 0; index < length; index++) {
    if (texts.every((rows) => rows[index] === texts[0]![index])) continue;
    const counts = texts.map((rows) => rows.length).join('/');
    throw new InconsistentDataError(
      `${command}: entry ${index + 1} (entries per process: ${counts})`,
      values.map(({ process }, at) => ({ process, value: texts[at]![index] })),
    );
  }
  return values[0]!.value;
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
    sameRows('show acl', values, (row) => `${row.id} (${row.file ?? ''})`),
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
    sameRows('show acl', values, (entry) => entry.value),
  idempotent: true,
});

/** Run one write on every current process, all-or-error. */
async function writeEverywhere(context: CommandContext, line: string): Promise<void> {
  for (const reply of settle(line, await context.run(line, { targets: 'current' })))
    expectEmptyReply(reply, line);
}

const REF = /^0x[0-9a-f]+$/i;

/**
 * The process an entry reference may be sent to. A reference (`0x55d0…` from `show`) is an address
 * in one process's memory: another process has no entry there, or a different one, so acting on it
 * everywhere would change one process and not the others (or the wrong entry). With more than one
 * current process it is refused before anything is sent.
 *
 * @throws {InvalidArgumentError} a malformed reference, or several current processes.
 */
async function refTargets(context: CommandContext, ref: unknown, kind: 'acl' | 'map'): Promise<ProcessRef[]> {
  if (typeof ref !== 'string' || !REF.test(ref)) {
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
      const targets = await refTargets(context, patternOrRef.ref, 'acl');
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
