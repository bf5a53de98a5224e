import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INFO_FIELDS,
  ProtocolError,
  parseInfo,
  parseJsonInfo,
  parseTypedInfo,
  typedInfoToRecord,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

describe('parseInfo', () => {
  it('reads a real 2.6.12 `show info` with typed values and names with spaces', () => {
    const info = parseInfo(transcript('show-info.txt'));
    expect(info).toMatchObject({
      Name: 'HAProxy',
      Version: '2.6.12-1+deb12u4',
      Release_date: '2026/10/17',
      Nbthread: 2,
      Pid: 6873,
      Uptime: '0d 0h00m15s',
      Uptime_sec: 15,
      'Unstoppable Jobs': 0,
      'Build info': '2.6.12-1+deb12u4',
      node: 'vm',
      Tainted: '0',
      Start_time_sec: 1795609862,
      TotalSplicdedBytesOut: 0,
    });
    expect(Object.keys(info)).toHaveLength(69);
  });

  it('unquotes CSV-quoted values (a description with a comma and quotes)', () => {
    expect(parseInfo(real('show-info.txt')).description).toBe('node, with "quotes"');
  });

  it('drops descriptions with { desc: true }', () => {
    const info = parseInfo(transcript('show-info-desc.txt'), { desc: true });
    expect(info).toMatchObject({ Name: 'HAProxy', Pid: 6873, Uptime: '0d 0h03m38s', SslRateLimit: 10 });
    expect(parseInfo(real('show-info-desc.txt'), { desc: true }).description).toBe('node, with "quotes"');
  });

  it('agrees with the typed and JSON forms of the same process', () => {
    const plain = parseInfo(real('show-info.txt'));
    const typed = typedInfoToRecord(parseTypedInfo(real('show-info-typed.txt')));
    const json = typedInfoToRecord(parseJsonInfo(real('show-info-json.txt')));
    for (const record of [typed, json]) {
      expect(Object.keys(record).sort()).toEqual(Object.keys(plain).sort());
      for (const name of [
        'Name',
        'Version',
        'Pid',
        'node',
        'description',
        'Maxconn',
        'Tainted',
        'Nbthread',
      ]) {
        expect(record[name], name).toEqual(plain[name]);
      }
    }
  });

  it('rejects error replies', () => {
    expect(() => parseInfo(real('error-permission.txt'))).toThrow(ProtocolError);
    expect(() =>
      parseInfo('Unknown command, but maybe one of the following ones is a better match:\n'),
    ).toThrow(ProtocolError);
    expect(() => parseInfo('\n')).toThrow(ProtocolError);
  });

  it('types every catalogue field of a real dump as the catalogue says', () => {
    const info = parseInfo(real('show-info.txt'));
    for (const [name, value] of Object.entries(info)) {
      const type = INFO_FIELDS[name]?.type;
      expect(type, name).toBeDefined();
      expect(typeof value, name).toBe(type === 'str' ? 'string' : 'number');
    }
  });

  it('round-trips arbitrary values and throws only ProtocolError on garbage', () => {
    const name = fc
      .stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,10}$/)
      .filter((n) => !(n in INFO_FIELDS) && n !== '__proto__');
    const value = fc
      .string()
      .filter((v) => !v.includes('\n') && !/^ /.test(v) && !/^"(?:[^"]|"")*"$/.test(v));
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1 }), (record) => {
        const text = Object.entries(record)
          .map(([key, v]) => `${key}: ${v}`)
          .join('\n');
        const parsed = parseInfo(`${text}\n\n`);
        for (const [key, v] of Object.entries(record)) {
          if (v === '') expect(key in parsed).toBe(false);
          else
            expect(String(parsed[key])).toBe(
              /^-?\d+$/.test(v)
                ? BigInt(v).toString()
                : typeof parsed[key] === 'number'
                  ? String(Number(v))
                  : v,
            );
        }
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseInfo(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTypedInfo / parseJsonInfo', () => {
  it('reads typed lines, splitting on the first three colons only', () => {
    const fields = parseTypedInfo(transcript('show-info-typed.txt'));
    const uptime = fields.find((field) => field.name === 'Uptime')!;
    expect(uptime).toEqual({
      position: 7,
      name: 'Uptime',
      process: 1,
      tags: { origin: 'Metric', nature: 'Duration', scope: 'Process' },
      type: 'str',
      value: '0d 0h00m15s',
    });
    expect(fields.find((field) => field.name === 'Unstoppable Jobs')?.value).toBe(0);
    const [field] = parseTypedInfo('51.description.1:COSV:str:a:b::c\n');
    expect(field).toMatchObject({ value: 'a:b::c', tags: { persistence: 'Volatile' } });
    expect(parseTypedInfo('51.description.1:COS:str:\n')[0]!.value).toBeUndefined();
  });

  it('reads `show info typed float` values as floats', () => {
    const record = typedInfoToRecord(parseTypedInfo(real('show-info-float.txt')));
    expect(typeof record.Uptime_sec).toBe('number');
    expect(Number.isInteger(record.Uptime_sec)).toBe(false);
  });

  it('repairs the unescaped quotes HAProxy 2.6 writes into JSON strings', () => {
    const text = real('show-info-json.txt');
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const record = typedInfoToRecord(parseJsonInfo(text));
    expect(record.description).toBe('node, with "quotes"');
    expect(record.Pid).toBeTypeOf('number');
    expect(typedInfoToRecord(parseJsonInfo(transcript('show-info-json.txt'))).Pid).toBe(6873);
  });

  it('rejects garbage with ProtocolError only', () => {
    expect(() => parseTypedInfo('Permission denied\n')).toThrow(ProtocolError);
    expect(() => parseTypedInfo('1.x.1:POS:int:3\n')).toThrow(/unknown value type/);
    expect(() => parseJsonInfo('{"errorStr":"output buffer too short"}')).toThrow(ProtocolError);
    expect(() => parseJsonInfo('[{"errorStr":"output buffer too short"}]')).toThrow(
      /output buffer too short/,
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        for (const parse of [parseTypedInfo, parseJsonInfo]) {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
