import { ProtocolError } from './errors.js';

/** One stream of `show sess` (the one-line form). */
export interface SessionRecord {
  /** The stream pointer (`0x7f16d8032750`): the id `shutdown session` and `show sess <id>` take. */
  readonly ptr: string;
  /** `proto=`: `tcpv4`, `tcpv6`, `unix_stream`, … */
  readonly proto: string;
  /** `src=`: the client address (`127.0.0.1:52164`, `unix:1`). */
  readonly source: string;
  /** `fe=`: the frontend (`GLOBAL` for CLI connections). */
  readonly frontend: string;
  /** `be=`: the backend, `undefined` for `<NONE>`. */
  readonly backend: string | undefined;
  /** `srv=`: the server, `undefined` for `<none>`. */
  readonly server: string | undefined;
  /** `age=` as printed (`1m3s`). */
  readonly age: string;
  /** `age` in seconds (`undefined` when not in HAProxy's `1d2h3m4s` form). */
  readonly ageSeconds: number | undefined;
  /** `calls=`: how many times the stream was woken up. */
  readonly calls: number | undefined;
  /** `rate=`: calls over the last second. */
  readonly rate: number | undefined;
  /** `cpu=` / `lat=`: CPU time and scheduling latency in ns (0 unless profiling is on). */
  readonly cpu: number | undefined;
  readonly latency: number | undefined;
  /** `exp=` as printed (`28s`, empty when none). */
  readonly expire: string;
  /** Every `name=value` (and `rq[…]` / `rp[…]`) field of the line, as printed. */
  readonly fields: Readonly<Record<string, string>>;
}

const LINE = /^(0x[0-9a-fA-F]+): (.*)$/;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** HAProxy's human durations (`1d2h3m4s`, `0s`, `2m`) → seconds; `undefined` for anything else. */
export function parseHumanDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s);
}

function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Parse `show sess` (2.x one-line form): one `0x<ptr>: proto=… src=… fe=… be=… srv=… age=…` line per stream.
 *
 * @throws {ProtocolError} on another reply (e.g. `Permission denied`) or the multi-line `show sess <id>` form.
 * @example parseSessions(reply).filter((session) => session.frontend === 'fe_http').map((s) => s.ptr)
 */
export function parseSessions(text: string): SessionRecord[] {
  const command = 'show sess';
  const sessions: SessionRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match)
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    const fields: Record<string, string> = {};
    for (const token of match[2]!.split(' ')) {
      if (token === '') continue;
      const bracket = /^(\w+)\[(.*)\]$/.exec(token);
      if (bracket) {
        fields[bracket[1]!] = bracket[2]!;
        continue;
      }
      const equals = token.indexOf('=');
      if (equals <= 0)
        throw new ProtocolError(`${command}: unexpected field "${token}"`, {
          command,
          excerpt: line.slice(0, 80),
        });
      const name = token.slice(0, equals);
      if (name !== '__proto__') fields[name] = token.slice(equals + 1);
    }
    if (fields.proto === undefined || fields.fe === undefined)
      throw new ProtocolError(`${command}: line without proto= or fe=`, {
        command,
        excerpt: line.slice(0, 80),
      });
    const age = fields.age ?? '';
    sessions.push({
      ptr: match[1]!,
      proto: fields.proto,
      source: fields.src ?? '',
      frontend: fields.fe,
      backend: fields.be === undefined || fields.be === '<NONE>' ? undefined : fields.be,
      server: fields.srv === undefined || fields.srv === '<none>' ? undefined : fields.srv,
      age,
      ageSeconds: parseHumanDuration(age),
      calls: integer(fields.calls),
      rate: integer(fields.rate),
      cpu: integer(fields.cpu),
      latency: integer(fields.lat),
      expire: fields.exp ?? '',
      fields,
    });
  }
  return sessions;
}
