import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandFailedError, HAProxyError, PermissionDeniedError } from '../src/errors.js';
import { checkReply, classifyReply, parseSeverity, stripFinalEmptyLine } from '../src/reply.js';

describe('parseSeverity', () => {
  it('reads number and string prefixes', () => {
    expect(parseSeverity('[3]: No such server.\n\n')).toEqual({ severity: 3, text: 'No such server.\n\n' });
    expect(parseSeverity('[err]: No such server.\n\n')).toEqual({ severity: 3, text: 'No such server.\n\n' });
    expect(parseSeverity('[info]: New server registered.\n\n')).toEqual({
      severity: 6,
      text: 'New server registered.\n\n',
    });
    expect(parseSeverity('50 (initial 50)\n\n')).toEqual({
      severity: undefined,
      text: '50 (initial 50)\n\n',
    });
  });
});

describe('stripFinalEmptyLine', () => {
  it('drops only the terminating empty line', () => {
    expect(stripFinalEmptyLine('a\n\n')).toBe('a\n');
    expect(stripFinalEmptyLine('\n')).toBe('');
    expect(stripFinalEmptyLine('Server deleted.\n')).toBe('Server deleted.\n');
    expect(stripFinalEmptyLine('')).toBe('');
  });
});

// Replies captured on HAProxy 2.6.12 with `set severity-output number` (see reference/transcripts).
const FAILURES: Array<[string, string]> = [
  ['get weight be_app/zz', '[3]: No such server.\n\n'],
  ['set weight be_app/s1 abc', '[3]: Empty weight string empty or preceded by garbage\n'],
  ['set weight be_app/s1 500', '[3]: Absolute weight can only be between 0 and 256 inclusive.\n\n'],
  ['frobnicate', '[6]: Unknown command, but maybe one of the following ones is a better match:\n  help\n\n'],
  ['show map /x', '[3]: Unknown map identifier. Please use #<id> or <file>.\n\n'],
  // without a severity prefix (master CLI of 2.6, one-shot)
  ['get weight nope/s1', 'No such backend.\n\n'],
  ['del server be_dyn/nosuch', 'No such server.\n'],
  ['set server be_app/s1 state x', "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n"],
  ['set server be_app/s1', 'usage: set server <backend>/<server> addr | agent | weight\n\n'],
  ['del server be_app/s1', 'Only servers in maintenance mode can be deleted.\n'],
  ['@!1234 show info', "Can't find the target PID matching the prefix '@!1234'\n"],
  ['frobnicate', 'Unknown command. Please enter one of the following commands only:\n  help\n\n'],
  ['set server be_app/s1 check-port 9999', '[4]: health checks are not enabled on this server\n'],
  ['add acl #0 not-an-ip', "'not-an-ip' is not a valid IPv4 or IPv6 address.\n\n"],
  // stick tables, sessions and SSL as 2.6.12 answers them (without the prefix through the master)
  ['set table st key k data.gpc0 abc', 'Require a valid integer value to store\n\n'],
  ['set table st key', 'Key value expected\n\n'],
  ['set table st key k data.nope 1', 'Unknown data type\n\n'],
  ['set table st key k data.conn_cur 1', 'Data type not stored in this table\n\n'],
  [
    'show table st data.gpc0 xx 1',
    'Filter entry #1: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n\n',
  ],
  ['show sess 0xdead', 'Session not found.\n\n'],
  ['shutdown session zz', "Session pointer expected (use 'show sess').\n\n"],
  ['show resolvers x', "Can't find that resolvers section\n\n"],
  ['show ssl cert /x.pem', "Can't display the certificate: Not found or the certificate is a bundle!\n\n"],
  [
    'set ssl cert /x.pem',
    "Can't replace a certificate which is not referenced by the configuration!\nCan't update /x.pem!\n\n",
  ],
  [
    'set ssl cert /x.pem',
    "unable to load certificate from file '/x.pem'.\nCan't load the payload\nCan't update /x.pem!\n\n",
  ],
  ['set ssl cert', "'set ssl cert expects a filename and a certificate as a payload\n\n"],
  ['commit ssl cert /x.pem', "No ongoing transaction! !\nCan't commit /x.pem!\n\n"],
  ['abort ssl cert /x.pem', 'No ongoing transaction!\n\n'],
  ['show ssl crt-list /x', "didn't find the specified filename\n\n"],
  ['show ssl ocsp-response /x', 'Certificate ID does not match any certificate.\n\n'],
];

const SUCCESSES: Array<[string, string, string]> = [
  ['get weight be_app/s1', '50 (initial 50)\n\n', '50 (initial 50)\n'],
  ['set weight be_app/s1 50', '\n', ''],
  ['show version', '[6]: 2.6.12-1+deb12u4\n\n', '2.6.12-1+deb12u4\n'],
  [
    'set server be_app/s1 addr 127.0.0.2',
    "[4]: IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n\n",
    "IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n",
  ],
  ['add server be_app/d1 127.0.0.1:1', '[6]: New server registered.\n\n', 'New server registered.\n'],
  ['prepare map #6', '[6]: New version created: 1\n\n', 'New version created: 1\n'],
  ['del server be_app/d1', '[6]: Server deleted.\n', 'Server deleted.\n'],
  ['del server be_app/d1', 'Server deleted.\n', 'Server deleted.\n'],
  [
    'disable frontend fe',
    '[5]: All sockets are already disabled.\n\n',
    'All sockets are already disabled.\n',
  ],
  [
    'show map #6',
    '0x56279d320c20 k1 v1\n0x56279d320d00 No such server.\n\n',
    '0x56279d320c20 k1 v1\n0x56279d320d00 No such server.\n',
  ],
  ['show backend', '# name\nbe_app\n\n', '# name\nbe_app\n'],
  ['show cli level', '[6]: user\n\n', 'user\n'],
];

describe('classifyReply', () => {
  for (const [command, raw] of FAILURES) {
    it(`fails: ${JSON.stringify(raw.slice(0, 50))}`, () => {
      const reply = classifyReply(command, raw);
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error).toBeInstanceOf(CommandFailedError);
      expect(reply.error).not.toBeInstanceOf(PermissionDeniedError);
      expect(reply.error.command).toBe(command);
      expect(reply.error.response).toBe(reply.text);
      expect(reply.error.code).toBe('HAPROXY_ERR_COMMAND');
      expect(() => checkReply(command, raw)).toThrow(CommandFailedError);
    });
  }
  for (const [command, raw, text] of SUCCESSES) {
    it(`succeeds: ${JSON.stringify(raw.slice(0, 50))}`, () => {
      expect(classifyReply(command, raw)).toMatchObject({ ok: true, text });
      expect(checkReply(command, raw)).toBe(text);
    });
  }

  it('recognises Permission denied (stats socket and master CLI)', () => {
    for (const raw of ['[3]: Permission denied\n\n', 'Permission denied\n\n', 'Permission denied!\n']) {
      const reply = classifyReply('set weight be_app/s1 2', raw);
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error).toBeInstanceOf(PermissionDeniedError);
        expect(reply.error.code).toBe('HAPROXY_ERR_PERMISSION');
      }
    }
  });

  it('keeps the severity of the reply', () => {
    expect(classifyReply('x', '[3]: Something new and unknown\n\n')).toMatchObject({
      ok: false,
      severity: 3,
    });
    expect(classifyReply('x', '[4]: something new\n\n')).toMatchObject({ ok: true, severity: 4 });
  });

  it('never classifies unprefixed data lines that merely contain error words', () => {
    const dataLine = fc
      .string({ unit: fc.constantFrom('0', 'x', 'a', ',', ' ', '#', ':', '/'), minLength: 1, maxLength: 30 })
      .filter((line) => line.trim().length > 0);
    fc.assert(
      fc.property(fc.array(dataLine, { minLength: 1, maxLength: 5 }), (lines) => {
        const raw = `${lines.join('\n')}\n\n`;
        const reply = classifyReply('show map #0', raw);
        expect(reply.ok).toBe(true);
        expect(reply.text).toBe(`${lines.join('\n')}\n`);
      }),
    );
  });

  it('errors are HAProxyError instances across copies', () => {
    const reply = classifyReply('x', '[3]: No such backend.\n\n');
    expect(!reply.ok && HAProxyError.isInstance(reply.error)).toBe(true);
  });
});
