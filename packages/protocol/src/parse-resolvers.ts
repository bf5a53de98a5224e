import { ProtocolError } from './errors.js';

/** One nameserver of a `resolvers` section with its counters. */
export interface ResolverNameserver {
  /** The nameserver's name (`ns1`), or its address for the `default` section (`10.0.0.53`). */
  readonly name: string;
  /** `sent`, `snd_error`, `valid`, `update`, `cname`, `cname_error`, `any_err`, `nx`, `timeout`, `refused`, `other`, `invalid`, `too_big`, `truncated`, `outdated`. */
  readonly counters: Readonly<Record<string, number>>;
}

/** One `resolvers` section of `show resolvers`. */
export interface ResolversSection {
  readonly name: string;
  readonly nameservers: ResolverNameserver[];
}

/**
 * Parse `show resolvers [<section>]`: `Resolvers section <name>`, then ` nameserver <ns>:` and
 * `  <counter>: <n>` lines.
 *
 * @throws {ProtocolError} on another reply (e.g. `Can't find that resolvers section`).
 */
export function parseResolvers(text: string): ResolversSection[] {
  const command = 'show resolvers';
  const sections: Array<{
    name: string;
    nameservers: Array<{ name: string; counters: Record<string, number> }>;
  }> = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const section = /^Resolvers section (.+)$/.exec(line);
    if (section) {
      sections.push({ name: section[1]!, nameservers: [] });
      continue;
    }
    const current = sections[sections.length - 1];
    const nameserver = /^ nameserver (.+):$/.exec(line);
    if (current && nameserver) {
      current.nameservers.push({ name: nameserver[1]!, counters: {} });
      continue;
    }
    const counter = /^ {2}(\w+):\s+(\d+)$/.exec(line);
    const server = current?.nameservers[current.nameservers.length - 1];
    if (!server || !counter || counter[1] === '__proto__')
      throw new ProtocolError(`${command}: unexpected line`, { command, excerpt: line.slice(0, 80) });
    server.counters[counter[1]!] = Number(counter[2]);
  }
  return sections;
}
