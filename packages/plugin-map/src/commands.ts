import {
  entryRefTargets,
  mergeSameRows,
  type CommandContext,
  defineCommand,
  expectEmptyReply,
  forEachProcess,
  formatPatternId,
  InconsistentDataError,
  type MapEntry,
  type MapMatch,
  NotFoundError,
  only,
  type PatternId,
  type PatternReference,
  type ProcessValue,
  parseMapEntries,
  parseMapList,
  parseMapMatch,
  quoteArgument,
  resolvePatternId,
  settle,
} from '@haproxyadmin/sdk/plugin';

/** A map: its numeric id (HAProxy's `#<id>`) or the file it was loaded from. A file named `123` is a string. */
export type MapId = PatternId;

/**
 * A reference to one entry, as returned by `show` (`{ ref: '0x55d0…' }`): the entry's address in
 * one process's memory. It names nothing (or another entry) on any other process, so `del` refuses
 * it when the client has more than one current process.
 */
export interface MapEntryRef {
  readonly ref: string;
}

/** HAProxy reads a key starting with `#0x` as an entry reference in `set map`/`del map`. */
export const looksLikeRef = (key: string): boolean => key.startsWith('#0x') || key.startsWith('#0X');

/**
 * `show map`: every map, `[{ id, file, description }]`. Processes must list the same maps; the
 * first process's rows are returned.
 */
export const listMaps = /* @__PURE__ */ defineCommand({
  id: 'show map',
  serialize: () => 'show map',
  parse: (reply) => parseMapList(reply),
  merge: (values: ReadonlyArray<ProcessValue<PatternReference[]>>) =>
    mergeSameRows('show map', values, (row) => `${row.id} (${row.file ?? ''})`),
  idempotent: true,
});

/**
 * `show map <id>`: the entries `[{ ref, key, value }]`. HAProxy prints `key value` separated by one
 * space, so a key containing a space cannot be told apart in this dump (use `get`). Processes must
 * hold the same entries in the same order (else `InconsistentDataError` naming the first entry that
 * differs, with each process's `key value` there). Each `ref` is the address of the entry in the
 * **first** process only: with several processes it is not an identity of the entry (use the key),
 * and `del(id, { ref })` is refused.
 */
export const showMap = /* @__PURE__ */ defineCommand({
  id: 'show map',
  serialize: (id: MapId) => `show map ${formatPatternId(id, 'map')}`,
  parse: (reply) => parseMapEntries(reply),
  merge: (values: ReadonlyArray<ProcessValue<MapEntry[]>>): MapEntry[] =>
    mergeSameRows('show map', values, (entry) => `${entry.key} ${entry.value}`),
  idempotent: true,
});

async function writeEverywhere(context: CommandContext, line: string): Promise<void> {
  for (const reply of settle(line, await context.run(line, { targets: 'current' })))
    expectEmptyReply(reply, line);
}

/** For keys HAProxy would read as a reference: find each process's entries with that key and act on their refs. */
async function byRefs(
  context: CommandContext,
  map: string,
  key: string,
  action: (ref: string) => string,
  summary: string,
): Promise<void> {
  const processes = await context.processes();
  const outcomes = await forEachProcess(processes, async (process) => {
    const show = `show map ${map}`;
    const entries = parseMapEntries(
      only(await context.run(show, { targets: [process], idempotent: true }), show),
    );
    const refs = entries.filter((entry) => entry.key === key).map((entry) => entry.ref);
    if (refs.length === 0) {
      throw new NotFoundError('map entry', key, {
        message: `no key equal to ${JSON.stringify(key)} (a string is a key; an entry reference from show() is passed as { ref })`,
      });
    }
    for (const ref of refs) {
      const line = action(ref);
      expectEmptyReply(only(await context.run(line, { targets: [process] }), line), line);
    }
  });
  settle(summary, outcomes);
}

/**
 * `add map <id> <key> <value>` on every current process. A numeric id or file that is an ACL, not a
 * map, is refused with `PatternKindError` before anything is written (HAProxy would silently write
 * into the ACL).
 */
export const addMapEntry = /* @__PURE__ */ defineCommand({
  id: 'add map',
  run: async (context: CommandContext, id: MapId, key: string, value: string): Promise<void> => {
    const line = `${quoteArgument(key, 'key')} ${quoteArgument(value, 'value')}`;
    const map = await resolvePatternId(context, id, 'map');
    await writeEverywhere(context, `add map ${map} ${line}`);
  },
});

/** `set map <id> <key> <value>`: change the value of every entry with that key, on every current process. */
export const setMapEntry = /* @__PURE__ */ defineCommand({
  id: 'set map',
  run: async (context: CommandContext, id: MapId, key: string, value: string): Promise<void> => {
    const keyWord = quoteArgument(key, 'key');
    const valueWord = quoteArgument(value, 'value');
    const map = await resolvePatternId(context, id, 'map');
    if (!looksLikeRef(key)) return writeEverywhere(context, `set map ${map} ${keyWord} ${valueWord}`);
    await byRefs(
      context,
      map,
      key,
      (ref) => `set map ${map} #${ref} ${valueWord}`,
      `set map ${map} ${keyWord}`,
    );
  },
});

/**
 * `del map`: remove entries.
 *
 * - a string is a key: every entry with it is removed on every current process, as HAProxy does (a
 *   key starting with `#0x`, which HAProxy would read as a reference, is still a key: it is looked up
 *   with `show map` and removed by reference on each process);
 * - `{ ref }` (an entry from `show`) removes that one entry, and only with a single current
 *   process: references are per process, so with several the call is refused with
 *   `InvalidArgumentError` (`argument: 'ref'`) before anything is sent.
 */
export const delMapEntry = /* @__PURE__ */ defineCommand({
  id: 'del map',
  run: async (context: CommandContext, id: MapId, keyOrRef: string | MapEntryRef): Promise<void> => {
    if (typeof keyOrRef === 'object' && keyOrRef !== null) {
      const targets = await entryRefTargets(context, keyOrRef.ref, 'map');
      const line = `del map ${await resolvePatternId(context, id, 'map')} #${keyOrRef.ref}`;
      return expectEmptyReply(only(await context.run(line, { targets }), line), line);
    }
    const keyWord = quoteArgument(keyOrRef, 'key');
    const map = await resolvePatternId(context, id, 'map');
    if (!looksLikeRef(keyOrRef)) return writeEverywhere(context, `del map ${map} ${keyWord}`);
    await byRefs(context, map, keyOrRef, (ref) => `del map ${map} #${ref}`, `del map ${map} ${keyWord}`);
  },
});

/** `clear map <id>`: remove every entry, on every current process. */
export const clearMap = /* @__PURE__ */ defineCommand({
  id: 'clear map',
  run: async (context: CommandContext, id: MapId): Promise<void> => {
    const map = await resolvePatternId(context, id, 'map');
    await writeEverywhere(context, `clear map ${map}`);
  },
});

/**
 * `get map <id> <key>`: look a sample up the way traffic would —
 * `{ found, key, value, valueType, type, caseSensitive, index }`. Processes must agree.
 */
export const getMap = /* @__PURE__ */ defineCommand({
  id: 'get map',
  run: async (context: CommandContext, id: MapId, key: string): Promise<MapMatch> => {
    const word = quoteArgument(key, 'key');
    const map = await resolvePatternId(context, id, 'map');
    const line = `get map ${map} ${word}`;
    const outcomes = await context.run(line, { targets: 'current', idempotent: true });
    const results = settle(line, outcomes).map((reply, index) => ({
      process: outcomes[index]!.process,
      value: parseMapMatch(reply),
    }));
    const first = JSON.stringify(results[0]?.value);
    if (results.some(({ value }) => JSON.stringify(value) !== first))
      throw new InconsistentDataError(line, results);
    return results[0]!.value;
  },
});
