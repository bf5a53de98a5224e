import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/errors.js';
import {
  type FramingMode,
  ResponseFramer,
  splitCommandLine,
  splitOneShotReplies,
  stripPayloadPrompts,
} from '../src/framing.js';

/** Byte-exact captures from HAProxy 2.6.12 (reference/transcripts 31-prompt-mode, 40-master-worker, checks). */
const HELP =
  'Unknown command, but maybe one of the following ones is a better match:\n' +
  '  clear table <table> [<filter>]*         : remove an entry from a table (filter: data/key)\n' +
  '  help [<command>]                        : list matching or all commands\n' +
  '  prompt                                  : toggle interactive mode with prompt\n' +
  '  quit                                    : disconnect\n\n';

interface Fixture {
  name: string;
  mode: FramingMode;
  stream: string;
  replies: string[];
  /** What `end()` adds (one-shot, master closing errors). */
  final?: string[];
}

const FIXTURES: Fixture[] = [
  {
    name: 'stats socket prompt session (31-prompt-mode)',
    mode: 'prompt',
    stream:
      '\n> ' +
      '2.6.12-1+deb12u4\n\n> ' +
      '50 (initial 50)\n\n> ' +
      '\n> ' +
      HELP +
      '> ' +
      'Empty weight string empty or preceded by garbage\n> ' +
      'No such server.\n> ' +
      '# name\nbe_app\nbe_api\nbe_tcp\nbe_dyn\nst_shared\nli_stats\n\n> ',
    replies: [
      '\n',
      '2.6.12-1+deb12u4\n\n',
      '50 (initial 50)\n\n',
      '\n',
      HELP,
      'Empty weight string empty or preceded by garbage\n',
      'No such server.\n',
      '# name\nbe_app\nbe_api\nbe_tcp\nbe_dyn\nst_shared\nli_stats\n\n',
    ],
  },
  {
    name: 'chained a; b in prompt mode yields two replies',
    mode: 'prompt',
    stream: '2.6.12-1+deb12u4\n\n> admin\n\n> ',
    replies: ['2.6.12-1+deb12u4\n\n', 'admin\n\n'],
  },
  {
    name: 'severity-output number replies',
    mode: 'prompt',
    stream:
      '\n> [3]: Empty weight string empty or preceded by garbage\n> [3]: No such server.\n\n> 50 (initial 50)\n\n> ' +
      "[4]: IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n\n> [6]: Server deleted.\n> ",
    replies: [
      '\n',
      '[3]: Empty weight string empty or preceded by garbage\n',
      '[3]: No such server.\n\n',
      '50 (initial 50)\n\n',
      "[4]: IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n\n",
      '[6]: Server deleted.\n',
    ],
  },
  {
    name: 'payload prompts (add map <<) stay in the reply',
    mode: 'prompt',
    stream: '+ + + \n> + [3]: Missing value for key.\n\n> ',
    replies: ['+ + + \n', '+ [3]: Missing value for key.\n\n'],
  },
  {
    name: 'data containing "> " inside lines is not a prompt',
    mode: 'prompt',
    stream: 'a> b\nx > y\n\n> \n> ',
    replies: ['a> b\nx > y\n\n', '\n'],
  },
  {
    name: 'master CLI session (40-master-worker)',
    mode: 'master',
    stream:
      'master> ' +
      '2.6.12-1+deb12u4\n\nmaster> ' +
      '1 (initial 1)\n\nmaster> No such server.\n\nmaster> ' +
      'Empty weight string empty or preceded by garbage\nmaster> \nmaster> ' +
      '+ + \nmaster> ' +
      '22136> ' +
      'admin\n\n22136> ' +
      'master> ',
    replies: [
      '',
      '2.6.12-1+deb12u4\n\n',
      '1 (initial 1)\n\n',
      'No such server.\n\n',
      'Empty weight string empty or preceded by garbage\n',
      '\n',
      '+ + \n',
      '',
      'admin\n\n',
      '',
    ],
  },
  {
    name: 'master routing error closes the connection',
    mode: 'master',
    stream: "master> Can't find the target PID matching the prefix '@!1234'\n",
    replies: [''],
    final: ["Can't find the target PID matching the prefix '@!1234'\n"],
  },
  {
    name: 'master data lines that merely contain "> "',
    mode: 'master',
    stream: 'masters> x\n12a> y\n\nmaster> ',
    replies: ['masters> x\n12a> y\n\n'],
  },
  {
    name: 'one-shot: everything until close',
    mode: 'oneshot',
    stream: 'No such server.\n2.6.12-1+deb12u4\n\n',
    replies: [],
    final: ['No such server.\n2.6.12-1+deb12u4\n\n'],
  },
];

function run(mode: FramingMode, chunks: readonly string[]): string[] {
  const framer = new ResponseFramer({ mode });
  const out: string[] = [];
  for (const chunk of chunks) for (const reply of framer.push(chunk)) out.push(reply.text);
  for (const reply of framer.end()) out.push(reply.text);
  return out;
}

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(text.slice(start, point));
    start = point;
  }
  chunks.push(text.slice(start));
  return chunks;
}

describe('ResponseFramer', () => {
  for (const fixture of FIXTURES) {
    const expected = [...fixture.replies, ...(fixture.final ?? [])];
    it(`${fixture.name}: one chunk`, () => {
      expect(run(fixture.mode, [fixture.stream])).toEqual(expected);
    });
    it(`${fixture.name}: byte by byte`, () => {
      expect(run(fixture.mode, [...fixture.stream])).toEqual(expected);
    });
    it(`${fixture.name}: arbitrary splits`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
          expect(run(fixture.mode, splitAt(fixture.stream, cuts))).toEqual(expected);
        }),
      );
    });
  }

  it('reports each reply as soon as its prompt arrives', () => {
    const framer = new ResponseFramer({ mode: 'prompt' });
    expect(framer.push('2.6\n\n')).toEqual([]);
    expect(framer.buffered).toBe(5);
    expect(framer.push('>')).toEqual([]);
    expect(framer.push(' No such')).toEqual([{ text: '2.6\n\n', prompt: '> ' }]);
    expect(framer.push(' server.\n> ')).toEqual([{ text: 'No such server.\n', prompt: '> ' }]);
    expect(framer.buffered).toBe(0);
  });

  it('returns the master prompt that ended a reply', () => {
    const framer = new ResponseFramer({ mode: 'master' });
    expect(framer.push('master> ok\n\n1234> ').map((reply) => reply.prompt)).toEqual(['master> ', '1234> ']);
  });

  it('refuses a reply cut off by the end of the stream', () => {
    const framer = new ResponseFramer({ mode: 'prompt' });
    framer.push('\n> # pxname,svname\nbe_app,s1,');
    expect(() => framer.end()).toThrow(ProtocolError);
    const master = new ResponseFramer({ mode: 'master' });
    master.push('master> half a rep');
    expect(() => master.end()).toThrow(ProtocolError);
  });

  it('refuses a prompt with no reply before it on a stats socket', () => {
    expect(() => new ResponseFramer({ mode: 'prompt' }).push('> ')).toThrow(ProtocolError);
    expect(() => new ResponseFramer({ mode: 'prompt' }).push('\n> > ')).toThrow(ProtocolError);
  });

  it('refuses replies longer than maxReplyLength', () => {
    const framer = new ResponseFramer({ mode: 'prompt', maxReplyLength: 10 });
    expect(() => framer.push('0123456789abc')).toThrow(ProtocolError);
  });

  it('refuses data after the end', () => {
    const framer = new ResponseFramer({ mode: 'oneshot' });
    framer.end();
    expect(() => framer.push('x')).toThrow(ProtocolError);
  });

  it('frames a 5 MB dump split in 64 KiB chunks in linear time', () => {
    const line = `be_app,s1,${'0,'.repeat(120)}\n`;
    const dump = `${line.repeat(Math.ceil(5_000_000 / line.length))}\n`;
    const stream = `${dump}> `;
    const chunks: string[] = [];
    for (let index = 0; index < stream.length; index += 65536)
      chunks.push(stream.slice(index, index + 65536));
    const start = performance.now();
    const replies = run('prompt', chunks);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.length).toBe(dump.length);
  });

  it('garbage only ever throws ProtocolError (all modes, any split)', () => {
    const alphabet = fc.constantFrom(
      '\n',
      '>',
      ' ',
      'm',
      'a',
      's',
      't',
      'e',
      'r',
      '1',
      '+',
      '[',
      ']',
      '(',
      'x',
      '\0',
      'é',
    );
    fc.assert(
      fc.property(
        fc.constantFrom<FramingMode>('prompt', 'master', 'oneshot'),
        fc.array(fc.string({ unit: alphabet, maxLength: 20 }), { maxLength: 20 }),
        (mode, chunks) => {
          const framer = new ResponseFramer({ mode });
          try {
            let total = '';
            for (const chunk of chunks)
              for (const reply of framer.push(chunk)) total += reply.text + reply.prompt;
            for (const reply of framer.end()) total += reply.text + reply.prompt;
            // Nothing is invented or lost: replies and prompts rebuild the input.
            expect(total).toBe(chunks.join(''));
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random reply sequences survive any split (prompt mode)', () => {
    const reply = fc
      .array(fc.string({ unit: fc.constantFrom('a', ' ', '>', '#', ',', '1'), maxLength: 12 }), {
        maxLength: 4,
      })
      .map((lines) =>
        lines.length === 0 ? '\n' : `${lines.map((line) => line.replace(/^> /, 'x ')).join('\n')}\n\n`,
      );
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (replies, cuts) => {
          // A line starting with "> " right after a newline is a prompt by definition: avoid generating one.
          fc.pre(replies.every((text) => !/\n> /.test(text)));
          const stream = replies.map((text) => `${text}> `).join('');
          expect(run('prompt', splitAt(stream, cuts))).toEqual(replies);
        },
      ),
    );
  });
});

describe('splitCommandLine', () => {
  it('splits on unescaped semicolons only', () => {
    expect(splitCommandLine('show info; get weight a/b\\;c')).toEqual(['show info', ' get weight a/b\\;c']);
    expect(splitCommandLine('add acl #0 x\\\\;show version')).toEqual(['add acl #0 x\\\\', 'show version']);
    expect(splitCommandLine('show info')).toEqual(['show info']);
  });
});

describe('splitOneShotReplies', () => {
  it('splits when the count matches and refuses to guess otherwise', () => {
    expect(splitOneShotReplies('2.6\n\nadmin\n\n', 2)).toEqual(['2.6\n\n', 'admin\n\n']);
    expect(splitOneShotReplies('\n50 (initial 50)\n\n', 2)).toEqual(['\n', '50 (initial 50)\n\n']);
    // `No such server.` has a single LF on 2.6: ambiguous, returned whole
    expect(splitOneShotReplies('No such server.\n2.6\n\n', 2)).toEqual(['No such server.\n2.6\n\n']);
  });
});

describe('stripPayloadPrompts', () => {
  it('removes the "+ " prompts of payload lines', () => {
    expect(stripPayloadPrompts('+ + + \n')).toBe('\n');
    expect(stripPayloadPrompts('+ [3]: Missing value\n\n')).toBe('[3]: Missing value\n\n');
    expect(stripPayloadPrompts('data\n\n')).toBe('data\n\n');
  });
});
