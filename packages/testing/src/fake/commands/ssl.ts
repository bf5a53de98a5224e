import { readFileSync } from 'node:fs';
import { err, OK, type Reply } from '../command.js';
import type { BuiltinCommand } from './types.js';

/**
 * SSL and resolvers commands as HAProxy 2.6.12 (an OpenSSL build) answers them when the
 * configuration has no `ssl crt` bind: no certificate, no crt-list, no OCSP response, so every
 * transaction is refused. `show resolvers` lists the configuration's `resolvers` sections, then the
 * `default` one HAProxy builds from `/etc/resolv.conf` (counters stay at 0: no DNS query is sent).
 */
export const SSL_COMMANDS: BuiltinCommand[] = [
  {
    words: ['show', 'ssl', 'cert'],
    level: 'user',
    handle: (context) =>
      // 2.6.12 fails this way below the operator level instead of `Permission denied`.
      context.session.level === 'user'
        ? err("Can't allocate memory!")
        : context.args[3] === undefined
          ? OK
          : err("Can't display the certificate: Not found or the certificate is a bundle!"),
  },
  {
    words: ['set', 'ssl', 'cert'],
    level: 'admin',
    handle(context): Reply {
      const file = context.args[3];
      if (file === undefined || context.payload === undefined)
        return err("'set ssl cert expects a filename and a certificate as a payload");
      return err(
        `Can't replace a certificate which is not referenced by the configuration!\nCan't update ${file}!`,
      );
    },
  },
  {
    words: ['commit', 'ssl', 'cert'],
    level: 'admin',
    handle: (context) =>
      context.args[3] === undefined
        ? err("'commit ssl cert expects a filename")
        : err(`No ongoing transaction! !\nCan't commit ${context.args[3]}!`),
  },
  {
    words: ['abort', 'ssl', 'cert'],
    level: 'admin',
    handle: (context) =>
      context.args[3] === undefined
        ? err("'abort ssl cert' expects a filename")
        : err('No ongoing transaction!'),
  },
  {
    words: ['show', 'ssl', 'crt-list'],
    level: 'admin',
    handle: (context) => {
      const name = context.args.slice(3).find((word) => word !== '-n');
      return name === undefined ? OK : err("didn't find the specified filename");
    },
  },
  {
    words: ['show', 'ssl', 'ocsp-response'],
    level: 'admin',
    handle: (context) =>
      context.args[3] === undefined ? OK : err('Certificate ID does not match any certificate.'),
  },
  {
    words: ['show', 'resolvers'],
    level: 'user',
    handle(context): Reply {
      const name = context.args[2];
      // The configuration's sections in order, then the `default` one built from resolv.conf.
      const sections = [
        ...(context.state.global.resolvers ?? []).map(({ name: section, nameservers }) =>
          resolversSection(section, nameservers),
        ),
        defaultResolvers(),
      ];
      const names = [...(context.state.global.resolvers ?? []).map((section) => section.name), 'default'];
      if (name === undefined) return { text: `${sections.join('')}\n` };
      const index = names.indexOf(name);
      if (index < 0) return err("Can't find that resolvers section");
      return { text: `${sections[index]}\n` };
    },
  },
];

const COUNTERS = [
  'sent',
  'snd_error',
  'valid',
  'update',
  'cname',
  'cname_error',
  'any_err',
  'nx',
  'timeout',
  'refused',
  'other',
  'invalid',
  'too_big',
  'truncated',
  'outdated',
];

/** The `default` resolvers section: one nameserver per `nameserver` line of /etc/resolv.conf. */
function defaultResolvers(): string {
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((match) => match[1]!);
  return servers.length === 0 ? '' : resolversSection('default', servers);
}

/** One section of `show resolvers`, every counter at 0 (the fake sends no DNS query). */
function resolversSection(name: string, nameservers: readonly string[]): string {
  let out = `Resolvers section ${name}\n`;
  for (const server of nameservers) {
    out += ` nameserver ${server}:\n`;
    for (const counter of COUNTERS) out += `  ${`${counter}:`.padEnd(12)} ${0}\n`;
  }
  return out;
}
