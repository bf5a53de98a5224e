import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStatParser,
  HAProxyError,
  ProtocolError,
  parseStat,
  STAT_FIELDS,
  type StatRow,
  statField,
  statObjectType,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

const find = (rows: StatRow[], pxname: string, svname: string) => {
  const row = rows.find((candidate) => candidate.pxname === pxname && candidate.svname === svname);
  if (!row) throw new Error(`${pxname}/${svname} not found`);
  return row;
};

describe('parseStat on real 2.6.12 replies', () => {
  it('reads the transcript dump: every row, typed numbers, text columns, empty fields absent', () => {
    const rows = parseStat(transcript('show-stat.csv'));
    expect(rows).toHaveLength(24);
    const frontend = find(rows, 'fe_http', 'FRONTEND');
    expect(frontend).toMatchObject({
      scur: 0,
      smax: 2,
      slim: 2000,
      stot: 13,
      bin: 1149,
      status: 'OPEN',
      mode: 'http',
    });
    expect(frontend.type).toBe(0);
    // `qcur` is empty for a frontend: not applicable, which is not 0.
    expect('qcur' in frontend).toBe(false);
    expect(frontend.qcur).toBeUndefined();
    // Module columns after `-` are kept, the `-` delimiter itself is not.
    expect(frontend.h1_bytes_in).toBe(1110);
    expect('-' in frontend).toBe(false);
    const server = find(rows, 'be_app', 's2');
    expect(server).toMatchObject({
      status: 'UP',
      weight: 50,
      check_status: 'L4OK',
      check_desc: 'Layer4 check passed',
      addr: '127.0.0.1:8082',
      lastsess: 2,
    });
    expect(find(rows, 'be_app', 's1').lastsess).toBe(-1);
    expect(find(rows, 'be_app', 's3').status).toBe('no check');
    expect(find(rows, 'be_app', 'BACKEND').algo).toBe('roundrobin');
  });

  it('keeps every 2.6 column under its own name, found by header', () => {
    const csv = transcript('show-stat.csv');
    const header = csv.slice(2, csv.indexOf('\n')).split(',');
    expect(header).toHaveLength(129);
    const columns = header.filter((name) => name !== '' && name !== '-');
    const parser = createStatParser();
    parser.push(csv);
    expect(parser.columns).toEqual(columns);
    // Every 2.6 column is described by the field catalogue.
    for (const name of columns) expect(statField(name), name).toBeDefined();
  });

  it('decodes RFC 4180 quoting in check reasons and agent text (commas and quotes)', () => {
    const rows = parseStat(real('show-stat.csv'));
    const s503 = find(rows, 'be_odd', 's503');
    expect(s503.last_chk).toBe('Service, "Unavailable"');
    expect(s503.check_status).toBe('L7STS');
    expect(s503.check_code).toBe(503);
    expect(find(rows, 'be_odd', 'sagent').last_agt).toBe('via agent : up ("agent)');
    expect(find(rows, 'be_odd', 'sdown').last_chk).toBe('Connection refused');
  });

  it('keeps addresses of IPv6 and Unix-socket servers as text', () => {
    const rows = parseStat(real('show-stat.csv'));
    expect(find(rows, 'be_odd', 's6').addr).toBe('[::1]:20102');
    expect(find(rows, 'be_odd', 'su').addr).toBe('unix');
    expect(find(rows, 'fe_main', 'sock-1')).toMatchObject({ addr: '127.0.0.1:20080', type: 3 });
    expect(statObjectType(find(rows, 'fe_main', 'sock-1'))).toBe('listener');
  });

  it('at user level the address columns are empty, hence absent', () => {
    const rows = parseStat(real('show-stat-user.csv'));
    expect(find(rows, 'be_odd', 's6').addr).toBeUndefined();
    expect(find(rows, 'be_odd', 's6').status).toBe('UP');
  });

  it('reads `show stat up` and filtered dumps', () => {
    expect(find(parseStat(transcript('show-stat-up.csv')), 'be_app', 'BACKEND').status).toBe('UP (3/4)');
    const servers = parseStat(real('show-stat-servers.csv'));
    expect(servers.every((row) => statObjectType(row) === 'server')).toBe(true);
    expect(servers.map((row) => row.svname)).toContain('strack');
    expect(find(servers, 'be_odd', 'strack').tracked).toBe('be_odd/s6');
  });

  it('maps object types', () => {
    const rows = parseStat(real('show-stat.csv'));
    expect(statObjectType(find(rows, 'fe_main', 'FRONTEND'))).toBe('frontend');
    expect(statObjectType(find(rows, 'be_odd', 'BACKEND'))).toBe('backend');
    expect(statObjectType(find(rows, 'be_odd', 's6'))).toBe('server');
    expect(statObjectType({ pxname: 'x', svname: 'BACKEND' })).toBe('backend');
    expect(() => statObjectType({ pxname: 'x', svname: 'y', type: 9 })).toThrow(ProtocolError);
  });

  it('rejects error replies and malformed CSV with ProtocolError', () => {
    expect(() => parseStat(real('error-no-such-proxy.txt'))).toThrow(ProtocolError);
    expect(() => parseStat('')).toThrow(ProtocolError);
    expect(() => parseStat('# pxname,svname,scur,\na,b,1,\nc,d,\n')).toThrow(/3 fields, the header has 4/);
    expect(() => parseStat('# pxname,svname,x,\na,b,"open,\n')).toThrow(/unterminated/);
    expect(() => parseStat('# pxname,svname,x,\na,b,"q"x,\n')).toThrow(/after a quoted field/);
    expect(() => parseStat('# pxname,svname,x,\n,b,1,\n')).toThrow(/without pxname/);
  });

  it('types 64-bit counters exactly', () => {
    const rows = parseStat(
      '# pxname,svname,stot,bin,lastsess,status,\np,FRONTEND,18446744073709551615,9007199254740993,-9007199254740993,0,\n',
    );
    expect(rows[0]).toEqual({
      pxname: 'p',
      svname: 'FRONTEND',
      stot: 18446744073709551615n,
      bin: 9007199254740993n,
      lastsess: -9007199254740993n,
      // A text column stays text even when it looks numeric.
      status: '0',
    });
    const safe = parseStat('# pxname,svname,stot,\np,q,9007199254740991,\n');
    expect(safe[0]!.stot).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps unknown columns, typing numbers and floats', () => {
    const rows = parseStat('# pxname,svname,future_counter,future_text,future_float,\np,q,12,abc,1.5,\n');
    expect(rows[0]).toEqual({
      pxname: 'p',
      svname: 'q',
      future_counter: 12,
      future_text: 'abc',
      future_float: 1.5,
    });
  });

  it('ignores blank lines and repeated headers of concatenated replies', () => {
    const one = transcript('show-stat.csv');
    expect(parseStat(one + one)).toHaveLength(48);
  });

  it('builds correct rows past the compiled-shape limit (every empty/non-empty pattern of 9 columns)', () => {
    const columns = Array.from({ length: 9 }, (_, index) => `c${index}`);
    const lines = [`# pxname,svname,${columns.join(',')},`];
    const expected: StatRow[] = [];
    for (let pattern = 0; pattern < 512; pattern++) {
      const row: StatRow = { pxname: 'p', svname: `s${pattern}` };
      const cells = columns.map((name, index) => {
        if ((pattern & (1 << index)) === 0) return '';
        row[name] = pattern * 10 + index;
        return String(pattern * 10 + index);
      });
      lines.push(`p,s${pattern},${cells.join(',')},`);
      expected.push(row);
    }
    expect(parseStat(`${lines.join('\n')}\n`)).toEqual(expected);
  });

  it('never builds a row whose prototype is set by a column name', () => {
    const rows = parseStat('# pxname,svname,__proto__,constructor,\np,q,1,2,\n');
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(rows[0]!.constructor).toBe(2);
  });
});

describe('createStatParser', () => {
  const streamed = (chunks: string[]) => {
    const parser = createStatParser();
    const rows: StatRow[] = [];
    for (const chunk of chunks) rows.push(...parser.push(chunk));
    rows.push(...parser.end());
    return rows;
  };

  it('gives the one-shot result for every two-chunk split of a real dump with quoted fields', () => {
    const csv = real('show-stat.csv');
    const expected = parseStat(csv);
    for (let at = 0; at <= csv.length; at += 7) {
      expect(streamed([csv.slice(0, at), csv.slice(at)])).toEqual(expected);
    }
  });

  it('gives the one-shot result byte by byte', () => {
    const csv = real('show-stat.csv');
    expect(streamed([...csv])).toEqual(parseStat(csv));
  });

  it('returns rows as soon as their line is complete', () => {
    const parser = createStatParser();
    expect(parser.push('# pxname,svname,scur,\np,q,1,\np,r')).toEqual([
      { pxname: 'p', svname: 'q', scur: 1 },
    ]);
    expect(parser.push(',2,\n')).toEqual([{ pxname: 'p', svname: 'r', scur: 2 }]);
    // A final line without its newline is parsed by end().
    expect(parser.push('p,s,3,')).toEqual([]);
    expect(parser.end()).toEqual([{ pxname: 'p', svname: 's', scur: 3 }]);
    expect(() => parser.push('x')).toThrow(ProtocolError);
  });

  it('rejects an empty stream and a stream ending inside quotes', () => {
    expect(() => createStatParser().end()).toThrow(ProtocolError);
    const parser = createStatParser();
    parser.push('# pxname,svname,x,\np,q,"open');
    expect(() => parser.end()).toThrow(/unterminated/);
  });
});

// ---- property tests --------------------------------------------------------------------------

/** A CSV writer as HAProxy's (RFC 4180): quote when the value holds `,`, `"` or a newline. */
const field = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const line = (values: string[]) => `${values.map(field).join(',')},`;

type Cell = { kind: 'int'; value: bigint } | { kind: 'text'; value: string } | { kind: 'empty' };
const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map((value) => ({ kind: 'int' as const, value })),
  // Text always holds a letter, so it never reads as a number.
  fc
    .tuple(fc.string({ unit: 'grapheme-composite' }), fc.constantFrom('a', 'Z', 'é'), fc.string())
    .map(([a, letter, b]) => ({ kind: 'text' as const, value: `${a}${letter}${b}` })),
  fc.constant({ kind: 'empty' as const }),
);
const text = (value: Cell) =>
  value.kind === 'int' ? value.value.toString() : value.kind === 'text' ? value.value : '';
const typed = (value: Cell) =>
  value.kind === 'int'
    ? value.value <= BigInt(Number.MAX_SAFE_INTEGER) && value.value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value.value)
      : value.value
    : value.kind === 'text'
      ? value.value
      : undefined;
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).filter((n) => !(n in STAT_FIELDS));
const proxyName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,15}$/);

const dump = fc
  .uniqueArray(name, { minLength: 0, maxLength: 8 })
  .chain((columns) =>
    fc.record({
      columns: fc.constant(columns),
      rows: fc.array(
        fc.tuple(
          proxyName,
          proxyName,
          fc.array(cell, { minLength: columns.length, maxLength: columns.length }),
        ),
        { maxLength: 8 },
      ),
    }),
  )
  .map(({ columns, rows }) => {
    const csv = `${[
      `# ${['pxname', 'svname', ...columns].join(',')},`,
      ...rows.map(([px, sv, cells]) => line([px, sv, ...cells.map(text)])),
    ].join('\n')}\n\n`;
    const expected = rows.map(([px, sv, cells]) => {
      const row: Record<string, unknown> = { pxname: px, svname: sv };
      cells.forEach((value, index) => {
        if (value.kind !== 'empty') row[columns[index]!] = typed(value);
      });
      return row;
    });
    return { csv, expected };
  });

describe('parseStat properties', () => {
  it('round-trips arbitrary field content written as RFC 4180 CSV (commas, quotes, newlines)', () => {
    fc.assert(
      fc.property(dump, ({ csv, expected }) => {
        expect(parseStat(csv)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('streams to the one-shot result for any chunk split', () => {
    fc.assert(
      fc.property(dump, fc.array(fc.nat(), { maxLength: 10 }), ({ csv }, cuts) => {
        const points = [...new Set(cuts.map((cut) => cut % (csv.length + 1)))].sort((a, b) => a - b);
        const parser = createStatParser();
        const rows: StatRow[] = [];
        let from = 0;
        for (const point of points) {
          rows.push(...parser.push(csv.slice(from, point)));
          from = point;
        }
        rows.push(...parser.push(csv.slice(from)), ...parser.end());
        expect(rows).toEqual(parseStat(csv));
      }),
      { numRuns: 300 },
    );
  });

  it('throws nothing but ProtocolError on arbitrary input', () => {
    const header = '# pxname,svname,scur,status,';
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (input, withHeader) => {
        const csv = withHeader ? `${header}\n${input}` : input;
        for (const run of [() => parseStat(csv), () => createStatParser().push(csv).concat()]) {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            expect(HAProxyError.isInstance(error)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
