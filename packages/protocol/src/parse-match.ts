import { ProtocolError } from './errors.js';

/** Result of `get acl <acl> <value>`. */
export interface AclMatch {
  /** Whether a pattern matched. */
  readonly match: boolean;
  /** The match method (`beg`, `str`, `ip`, `reg`…). */
  readonly type: string;
  /** `case=sensitive` (true) or `insensitive` (false). */
  readonly caseSensitive: boolean;
  /** The index used for the match (`tree`, `list`), when matched. */
  readonly index?: string;
  /** The pattern that matched. */
  readonly pattern?: string;
}

/** Result of `get map <map> <key>`. */
export interface MapMatch {
  /** Whether an entry matched. */
  readonly found: boolean;
  /** The match method (`beg`, `str`, `ip`…). */
  readonly type: string;
  readonly caseSensitive: boolean;
  readonly index?: string;
  /** The key of the entry that matched. */
  readonly key?: string;
  /** Its value; `null` when HAProxy prints `value=none` (a map id that is really an ACL). */
  readonly value?: string | null;
  /** The sample type of the value (`str`, `int`…). */
  readonly valueType?: string;
}

/**
 * Split `k=v, k="quoted, text", …`. HAProxy does not escape quotes inside quoted values, so a quoted
 * value ends at the `"` that is followed by `, <name>=` or by the end of the line.
 */
function attributes(line: string, command: string): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  let at = 0;
  while (at < line.length) {
    const equals = line.indexOf('=', at);
    const name = equals === -1 ? '' : line.slice(at, equals);
    if (!/^[a-z_]+$/.test(name))
      throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: line.slice(0, 80) });
    let value: string;
    let next: number;
    if (line[equals + 1] === '"') {
      let close = equals + 1;
      for (;;) {
        close = line.indexOf('"', close + 1);
        if (close === -1)
          throw new ProtocolError(`${command}: unterminated quoted value`, {
            command,
            excerpt: line.slice(0, 80),
          });
        if (close === line.length - 1 || /^, [a-z_]+=/.test(line.slice(close + 1, close + 40))) break;
      }
      value = line.slice(equals + 2, close);
      next = close + 1;
    } else {
      const comma = line.indexOf(', ', equals + 1);
      next = comma === -1 ? line.length : comma;
      value = line.slice(equals + 1, next);
    }
    result.push([name, value]);
    if (next >= line.length) break;
    if (!line.startsWith(', ', next))
      throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: line.slice(0, 80) });
    at = next + 2;
  }
  return result;
}

function singleLine(text: string, command: string): string {
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length !== 1 || !lines[0]!.startsWith('type=')) {
    throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: text.slice(0, 80) });
  }
  return lines[0]!;
}

function flag(value: string | undefined, yes: string, no: string, command: string, line: string): boolean {
  if (value === yes) return true;
  if (value === no) return false;
  throw new ProtocolError(`${command}: unexpected value ${JSON.stringify(value)}`, {
    command,
    excerpt: line.slice(0, 80),
  });
}

/**
 * Parse the reply of `get acl <acl> <value>`:
 * `type=beg, case=sensitive, match=yes, idx=tree, pattern="/foo"` or `type=beg, case=sensitive, match=no`.
 *
 * @throws {ProtocolError} for any other reply (e.g. `Unknown ACL identifier…`).
 */
export function parseAclMatch(text: string): AclMatch {
  const command = 'get acl';
  const line = singleLine(text, command);
  const fields = new Map(attributes(line, command));
  const result: { -readonly [K in keyof AclMatch]: AclMatch[K] } = {
    match: flag(fields.get('match'), 'yes', 'no', command, line),
    type: fields.get('type')!,
    caseSensitive: flag(fields.get('case'), 'sensitive', 'insensitive', command, line),
  };
  if (fields.has('idx')) result.index = fields.get('idx')!;
  if (fields.has('pattern')) result.pattern = fields.get('pattern')!;
  return result;
}

/**
 * Parse the reply of `get map <map> <key>`:
 * `type=beg, case=sensitive, found=yes, idx=tree, key="/v2", value="be_api", type="str"` or
 * `type=beg, case=sensitive, found=no`. The second `type` is the value's sample type.
 *
 * @throws {ProtocolError} for any other reply (e.g. `Unknown map identifier…`).
 */
export function parseMapMatch(text: string): MapMatch {
  const command = 'get map';
  const line = singleLine(text, command);
  const list = attributes(line, command);
  const fields = new Map<string, string>();
  let valueType: string | undefined;
  for (const [name, value] of list) {
    if (name === 'type' && fields.has('type')) valueType = value;
    else fields.set(name, value);
  }
  const result: { -readonly [K in keyof MapMatch]: MapMatch[K] } = {
    found: flag(fields.get('found'), 'yes', 'no', command, line),
    type: fields.get('type')!,
    caseSensitive: flag(fields.get('case'), 'sensitive', 'insensitive', command, line),
  };
  if (fields.has('idx')) result.index = fields.get('idx')!;
  if (fields.has('key')) result.key = fields.get('key')!;
  if (fields.has('value')) {
    // `value=none` is unquoted; a real value "none" is printed quoted.
    result.value = /, value=none(, |$)/.test(line) ? null : fields.get('value')!;
  }
  if (valueType !== undefined) result.valueType = valueType;
  return result;
}
