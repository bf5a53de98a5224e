/**
 * TEMPORARY ADAPTER — to be replaced by `parseAclList`/`parseMapList` from `@haproxyadmin/protocol`
 * as soon as they land (the protocol package owns every output parser). Keep this file thin.
 */
import { ProtocolError } from '@haproxyadmin/protocol';

export interface PatternListRow {
  id: number;
  file: string;
  description: string;
}

export function parsePatternListTemporary(text: string): PatternListRow[] {
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
