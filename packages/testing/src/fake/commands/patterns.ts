import { type CommandContext, err, info, OK, type Reply } from '../command.js';
import type { FakeState, PatternEntry, PatternRefState } from '../state.js';
import type { BuiltinCommand } from './types.js';

type Kind = 'acl' | 'map';

const UNKNOWN: Record<Kind, Reply> = {
  acl: err('Unknown ACL identifier. Please use #<id> or <file>.'),
  map: err('Unknown map identifier. Please use #<id> or <file>.'),
};

/** Resolve `#id` or a file; `strict` requires the reference to be of the command's kind. */
function resolve(
  state: FakeState,
  kind: Kind,
  id: string | undefined,
  strict: boolean,
): PatternRefState | undefined {
  if (!id) return undefined;
  let ref: PatternRefState | undefined;
  if (id.startsWith('#')) {
    const n = /^#(\d+)$/.test(id) ? Number(id.slice(1)) : Number.NaN;
    ref = state.patterns.find((candidate) => candidate.id === n);
  } else ref = state.patterns.find((candidate) => candidate.file === id && candidate.kind === kind);
  if (ref && strict && ref.kind !== kind) return undefined;
  return ref;
}

/** Split `[@ver] <id> rest…`. */
function versioned(
  args: string[],
  from: number,
): { version: number | undefined; rest: string[]; bad: boolean } {
  const first = args[from];
  if (first?.startsWith('@')) {
    const v = /^@(\d+)$/.exec(first);
    return { version: v ? Number(v[1]) : 0, rest: args.slice(from + 1), bad: !v };
  }
  return { version: undefined, rest: args.slice(from), bad: false };
}

function visible(ref: PatternRefState, version = ref.currVer): PatternEntry[] {
  return ref.entries.filter((entry) => entry.version === version);
}

function checkVersion(ref: PatternRefState, kind: Kind, version: number): Reply | undefined {
  if (version > ref.nextVer) return err(`Version number in the future, please use 'prepare ${kind}' before.`);
  if (version < ref.currVer) return err('Version number out of range.');
  return undefined;
}

function isIpPattern(text: string): boolean {
  const [address, mask] = text.split('/');
  if (mask !== undefined && !/^\d+$/.test(mask) && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(mask)) return false;
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(address ?? ''))
    return address!.split('.').every((part) => Number(part) <= 255);
  return /^[0-9a-fA-F:.]+$/.test(address ?? '') && (address ?? '').includes(':');
}

function validate(ref: PatternRefState, key: string): Reply | undefined {
  if (ref.match === 'ip' && !isIpPattern(key)) return err(`'${key}' is not a valid IPv4 or IPv6 address.`);
  if (ref.match === 'int' && !/^-?\d+(:-?\d+)?$/.test(key)) return err(`'${key}' is not a number.`);
  return undefined;
}

function addEntry(
  state: FakeState,
  ref: PatternRefState,
  key: string,
  value: string | undefined,
  version: number,
): void {
  ref.entries.push({ ref: state.nextRef, key, value, version });
  state.nextRef += 0x40;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function matchOne(match: string, pattern: string, sample: string): boolean {
  switch (match) {
    case 'beg':
      return sample.startsWith(pattern);
    case 'end':
      return sample.endsWith(pattern);
    case 'sub':
      return sample.includes(pattern);
    case 'reg':
      try {
        return new RegExp(pattern).test(sample);
      } catch {
        return false;
      }
    case 'dir':
      return sample.split('/').includes(pattern);
    case 'dom':
      return sample.split('.').includes(pattern);
    case 'ip': {
      const [address, maskText] = pattern.split('/');
      if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(sample) || !/^(\d{1,3})(\.\d{1,3}){3}$/.test(address ?? '')) {
        return sample === pattern;
      }
      const bits = maskText === undefined ? 32 : Number(maskText);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return (ipToNumber(sample) & mask) >>> 0 === (ipToNumber(address!) & mask) >>> 0;
    }
    default:
      return sample === pattern;
  }
}

function lookup(ref: PatternRefState, sample: string): PatternEntry | undefined {
  const candidates = visible(ref).filter((entry) => matchOne(ref.match, entry.key, sample));
  if (['beg', 'ip'].includes(ref.match)) {
    return candidates.sort((a, b) => b.key.length - a.key.length)[0];
  }
  return candidates[0];
}

const idx = (match: string) => (['str', 'beg', 'ip'].includes(match) ? 'tree' : 'list');

function listRefs(state: FakeState, kind: Kind): Reply {
  let out = '# id (file) description\n';
  for (const ref of state.patterns.filter((candidate) => candidate.kind === kind)) {
    out += `${ref.id} (${ref.file}) ${ref.description}. curr_ver=${ref.currVer} next_ver=${ref.nextVer} entry_cnt=${ref.entries.length}\n`;
  }
  return { text: `${out}\n` };
}

/** Parse a map payload like 2.6: the key runs to the first space or tab (a newline does not end it). */
function parsePayload(payload: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  let i = 0;
  while (i < payload.length) {
    while (i < payload.length && /[ \t\n]/.test(payload[i]!)) i++;
    if (i >= payload.length) break;
    let key = '';
    while (i < payload.length && payload[i] !== ' ' && payload[i] !== '\t') key += payload[i++];
    while (i < payload.length && (payload[i] === ' ' || payload[i] === '\t')) i++;
    let value = '';
    while (i < payload.length && payload[i] !== '\n') value += payload[i++];
    out.push({ key, value: value.replace(/[ \t]+$/, '') });
  }
  return out;
}

function commands(kind: Kind): BuiltinCommand[] {
  const Name = kind === 'acl' ? 'ACL' : 'map';
  return [
    {
      words: ['show', kind],
      level: 'user',
      handle(context) {
        const { version, rest } = versioned(context.args, 2);
        if (!rest[0]) return listRefs(context.state, kind);
        const ref = resolve(context.state, kind, rest[0], true);
        if (!ref) return UNKNOWN[kind];
        const entries = visible(ref, version ?? ref.currVer);
        const lines = entries.map((entry) =>
          kind === 'map' || entry.value !== undefined
            ? `0x${entry.ref.toString(16)} ${entry.key} ${entry.value ?? ''}\n`
            : `0x${entry.ref.toString(16)} ${entry.key}\n`,
        );
        return { text: `${lines.join('')}\n` };
      },
    },
    {
      words: ['add', kind],
      level: 'user',
      handle(context: CommandContext) {
        const { version, rest } = versioned(context.args, 2);
        if (kind === 'acl' && (!rest[0] || rest[1] === undefined)) {
          return err("'add acl' expects two parameters: ACL identifier and pattern.");
        }
        const usePayload = kind === 'map' && rest.length === 1 && context.payload !== undefined;
        if (kind === 'map' && !usePayload && (rest.length < 3 || !rest[0])) {
          return err(
            "'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload",
          );
        }
        const ref = resolve(context.state, kind, rest[0], false);
        if (!ref) return UNKNOWN[kind];
        const v = version ?? ref.currVer;
        const bad = checkVersion(ref, kind, v);
        if (bad) return bad;
        if (usePayload) {
          if (!context.payload) return err("Missing value for key '\n'.");
          const pairs = parsePayload(context.payload);
          const keyOnly = pairs.find((pair) => pair.value === '');
          if (keyOnly) return err(`Missing value for key '${keyOnly.key}'.`);
          for (const pair of pairs) {
            const invalid = validate(ref, pair.key);
            if (invalid) return invalid;
          }
          for (const pair of pairs) addEntry(context.state, ref, pair.key, pair.value, v);
          return OK;
        }
        const key = rest[1]!;
        const invalid = validate(ref, key);
        if (invalid) return invalid;
        addEntry(context.state, ref, key, kind === 'map' ? rest.slice(2).join(' ') : undefined, v);
        return OK;
      },
    },
    {
      words: ['del', kind],
      level: 'user',
      handle(context) {
        const [id, key] = context.args.slice(2);
        if (!id || key === undefined)
          return err(`This command expects two parameters: ${Name} identifier and key.`);
        const ref = resolve(context.state, kind, id, true);
        if (!ref) return UNKNOWN[kind];
        const before = ref.entries.length;
        if (key.startsWith('#')) {
          const pointer = Number.parseInt(key.slice(1).replace(/^0x/i, ''), 16);
          ref.entries = ref.entries.filter(
            (entry) => !(entry.ref === pointer && entry.version === ref.currVer),
          );
        } else
          ref.entries = ref.entries.filter((entry) => !(entry.key === key && entry.version === ref.currVer));
        return ref.entries.length === before ? err('Key not found.') : OK;
      },
    },
    {
      words: ['set', kind],
      level: 'user',
      handle(context) {
        const [id, key, ...value] = context.args.slice(2);
        if (!id || key === undefined || value.length === 0) {
          return err(`'set ${kind}' expects three parameters: ${Name} identifier, key and value.`);
        }
        const ref = resolve(context.state, kind, id, false);
        if (!ref) return UNKNOWN[kind];
        let found = false;
        for (const entry of visible(ref)) {
          const hit = key.startsWith('#')
            ? entry.ref === Number.parseInt(key.slice(1).replace(/^0x/i, ''), 16)
            : entry.key === key;
          if (hit) {
            entry.value = value.join(' ');
            found = true;
          }
        }
        return found ? OK : err('entry not found.');
      },
    },
    {
      words: ['get', kind],
      level: 'user',
      handle(context) {
        const [id, sample] = context.args.slice(2);
        if (!id || sample === undefined) return err(`Missing ${Name} identifier and/or key.`);
        const ref = resolve(context.state, kind, id, false);
        if (!ref) return UNKNOWN[kind];
        const entry = lookup(ref, sample);
        const head = `type=${ref.match}, case=sensitive`;
        if (kind === 'acl') {
          return {
            text: entry
              ? `${head}, match=yes, idx=${idx(ref.match)}, pattern="${entry.key}"\n\n`
              : `${head}, match=no\n\n`,
          };
        }
        if (!entry) return { text: `${head}, found=no\n\n` };
        const value =
          entry.value === undefined || ref.kind === 'acl' ? 'none' : `"${entry.value}", type="str"`;
        return { text: `${head}, found=yes, idx=${idx(ref.match)}, key="${entry.key}", value=${value}\n\n` };
      },
    },
    {
      words: ['clear', kind],
      level: 'user',
      handle(context) {
        const { version, rest } = versioned(context.args, 2);
        if (!rest[0]) return err(`Missing ${Name} identifier.`);
        const ref = resolve(context.state, kind, rest[0], true);
        if (!ref) return UNKNOWN[kind];
        const v = version ?? ref.currVer;
        const bad = version === undefined ? undefined : checkVersion(ref, kind, v);
        if (bad) return bad;
        ref.entries = ref.entries.filter((entry) => entry.version !== v);
        return OK;
      },
    },
    {
      words: ['prepare', kind],
      level: 'user',
      handle(context) {
        const ref = resolve(context.state, kind, context.args[2], true);
        if (!ref) return UNKNOWN[kind];
        ref.nextVer += 1;
        ref.entries = ref.entries.filter((entry) => entry.version <= ref.currVer);
        return info(`New version created: ${ref.nextVer}`);
      },
    },
    {
      words: ['commit', kind],
      level: 'user',
      handle(context) {
        const { version, rest } = versioned(context.args, 2);
        if (version === undefined) return err('Missing version number.');
        if (!rest[0]) return UNKNOWN[kind];
        const ref = resolve(context.state, kind, rest[0], true);
        if (!ref) return UNKNOWN[kind];
        if (version > ref.nextVer)
          return err(`Version number in the future, please use 'prepare ${kind}' before.`);
        if (version <= ref.currVer && version !== ref.currVer) return err('Version number out of range.');
        ref.entries = ref.entries.filter((entry) => entry.version >= version);
        ref.currVer = version;
        return OK;
      },
    },
  ];
}

/** ACL and map commands (one shared id space). */
export const PATTERN_COMMANDS: BuiltinCommand[] = [...commands('acl'), ...commands('map')];
