/**
 * TEMPORARY ADAPTER — thin stand-ins for `parseAclList`/`parseMapList`, `parseAclEntries`/
 * `parseMapEntries` and `parseAclMatch`/`parseMapMatch`, which `@haproxyadmin/protocol` owns and
 * is about to ship. `index.ts` re-exports these names; once protocol has them, it re-exports
 * protocol's instead and this file is deleted.
 */
import { ProtocolError } from '@haproxyadmin/protocol';

/** One row of `show acl` / `show map`. */
export interface PatternListRow {
  id: number;
  file: string;
  description: string;
}

function parseList(text: string): PatternListRow[] {
  const rows: PatternListRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\d+) \((.*?)\) ?(.*)$/.exec(line);
    if (!match)
      throw new ProtocolError('unexpected line in a `show acl`/`show map` list', {
        excerpt: line.slice(0, 120),
      });
    rows.push({ id: Number(match[1]), file: match[2]!, description: match[3]! });
  }
  return rows;
}
export const parseAclList = parseList;
export const parseMapList = parseList;

/** One entry of `show acl <acl>`. */
export interface AclEntry {
  ref: string;
  value: string;
}
/** One entry of `show map <map>`. */
export interface MapEntry {
  ref: string;
  key: string;
  value: string;
}

function refAndRest(line: string): [string, string] {
  const space = line.indexOf(' ');
  if (!line.startsWith('0x') || space < 0) {
    throw new ProtocolError('unexpected line in an ACL/map dump', { excerpt: line.slice(0, 120) });
  }
  return [line.slice(0, space), line.slice(space + 1)];
}

export function parseAclEntries(text: string): AclEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref, value] = refAndRest(line);
      return { ref, value };
    });
}

export function parseMapEntries(text: string): MapEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref, rest] = refAndRest(line);
      const space = rest.indexOf(' ');
      return space < 0
        ? { ref, key: rest, value: '' }
        : { ref, key: rest.slice(0, space), value: rest.slice(space + 1) };
    });
}

export interface AclMatch {
  match: boolean;
  type: string;
  caseSensitive: boolean;
  index: string | undefined;
  pattern: string | undefined;
}
export interface MapMatch {
  found: boolean;
  type: string;
  caseSensitive: boolean;
  index: string | undefined;
  key: string | undefined;
  value: string | undefined;
  valueType: string | undefined;
}

const firstLines = (text: string) => text.split('\n').filter((line) => line !== '');

export function parseAclMatch(text: string): AclMatch {
  const results = firstLines(text).map((line) => {
    const match = /^type=([^,]*), case=([^,]*), match=(yes|no)(?:, idx=([^,]*), pattern="([\s\S]*)")?$/.exec(
      line,
    );
    if (!match) throw new ProtocolError('unexpected `get acl` reply', { excerpt: line.slice(0, 120) });
    return {
      match: match[3] === 'yes',
      type: match[1]!,
      caseSensitive: match[2] === 'sensitive',
      index: match[4],
      pattern: match[5],
    };
  });
  const result = results.find((item) => item.match) ?? results[0];
  if (!result) throw new ProtocolError('empty `get acl` reply');
  return result;
}

export function parseMapMatch(text: string): MapMatch {
  const results = firstLines(text).map((line) => {
    const match =
      /^type=([^,]*), case=([^,]*), found=(yes|no)(?:, idx=([^,]*), key="([\s\S]*)", value=(?:"([\s\S]*)", type="([^"]*)"|none))?$/.exec(
        line,
      );
    if (!match) throw new ProtocolError('unexpected `get map` reply', { excerpt: line.slice(0, 120) });
    return {
      found: match[3] === 'yes',
      type: match[1]!,
      caseSensitive: match[2] === 'sensitive',
      index: match[4],
      key: match[5],
      value: match[6],
      valueType: match[7],
    };
  });
  const result = results.find((item) => item.found) ?? results[0];
  if (!result) throw new ProtocolError('empty `get map` reply');
  return result;
}
