import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, quoteArgument, serializeCommand, tokenizeCommandLine } from '../src/index.js';

// Any text HAProxy can carry in one word: everything but CR, LF and NUL (and not empty).
const word = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(' ', '\t', ';', '\\', '<', '#', '"', "'"),
      fc.string({ minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
  })
  .filter((text) => !/[\r\n\0]/.test(text));

describe('quoteArgument / serializeCommand / tokenizeCommandLine', () => {
  it('round-trips any two arguments through HAProxy word splitting', () => {
    fc.assert(
      fc.property(word, word, (key, value) => {
        expect(tokenizeCommandLine(serializeCommand('set map', key, value))).toEqual([
          ['set', 'map', key, value],
        ]);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets an argument split the command or start a payload', () => {
    fc.assert(
      fc.property(word, (text) => {
        const quoted = quoteArgument(text);
        expect(tokenizeCommandLine(quoted)).toEqual([[text]]);
        expect(quoted.startsWith('<<')).toBe(false);
        // HAProxy 2.6 starts a payload when the raw line merely ends with `<<`.
        expect(serializeCommand('add acl', '#0', text).endsWith('<<')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes payload markers at both ends of a word', () => {
    expect(quoteArgument('<<')).toBe('\\<\\<');
    expect(quoteArgument('/x<<')).toBe('/x<\\<');
    expect(quoteArgument('<<EOF')).toBe('\\<<EOF');
    expect(tokenizeCommandLine(quoteArgument('/x<<'))).toEqual([['/x<<']]);
  });

  it('refuses CR, LF, NUL and the empty string', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('\r', '\n', '\0'), fc.string(), (a, bad, b) => {
        expect(() => quoteArgument(`${a}${bad}${b}`)).toThrow(InvalidArgumentError);
      }),
    );
    expect(() => quoteArgument('')).toThrow(InvalidArgumentError);
  });
});
