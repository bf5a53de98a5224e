import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  parseJsonStat,
  parseStat,
  parseTypedStat,
  STAT_FIELDS,
  statField,
  statObjectType,
  typedStatToRows,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

describe('parseTypedStat / parseJsonStat', () => {
  it('reads typed fields with their object, ids, position, tags and type', () => {
    const fields = parseTypedStat(transcript('show-stat-typed.txt'));
    expect(fields[0]).toEqual({
      objectType: 'frontend',
      proxyId: 2,
      id: 0,
      position: 0,
      name: 'pxname',
      process: 1,
      tags: { origin: 'Key', nature: 'Name', scope: 'Service' },
      type: 'str',
      value: 'fe_http',
    });
  });

  it('keeps colons, commas and quotes of string values, and splits descriptions with { desc: true }', () => {
    const fields = parseTypedStat(real('show-stat-typed.txt'));
    expect(fields.find((field) => field.name === 'last_chk' && field.id === 1)?.value).toBe(
      'Service, "Unavailable"',
    );
    expect(fields.find((field) => field.name === 'last_agt')?.value).toBe('via agent : up ("agent)');
    const described = parseTypedStat(real('show-stat-typed-desc.txt'), { desc: true });
    const lastChk = described.find((field) => field.name === 'last_chk' && field.id === 1)!;
    expect(lastChk.value).toBe('Service, "Unavailable"');
    expect(lastChk.description).toMatch(/^Short description of the latest health check/);
  });

  it('gives the same rows as the CSV of the same process', () => {
    const csv = parseStat(real('show-stat.csv'));
    const typed = typedStatToRows(parseTypedStat(real('show-stat-typed.txt')));
    const json = typedStatToRows(parseJsonStat(real('show-stat-json.txt')));
    expect(typed.map((row) => `${row.pxname}/${row.svname}`)).toEqual(
      csv.map((row) => `${row.pxname}/${row.svname}`),
    );
    expect(json.map((row) => `${row.pxname}/${row.svname}`)).toEqual(
      csv.map((row) => `${row.pxname}/${row.svname}`),
    );
    // Values that do not move between the three captures (configuration and status).
    for (const name of [
      'status',
      'addr',
      'check_status',
      'last_chk',
      'weight',
      'iid',
      'sid',
      'mode',
      'algo',
      'type',
    ]) {
      expect(
        typed.map((row) => row[name]),
        name,
      ).toEqual(csv.map((row) => row[name]));
      expect(
        json.map((row) => row[name]),
        name,
      ).toEqual(csv.map((row) => row[name]));
    }
  });

  it('repairs the unescaped quotes of HAProxy 2.6 JSON', () => {
    const text = real('show-stat-json.txt');
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const fields = parseJsonStat(text);
    expect(fields.find((field) => field.name === 'last_chk' && field.id === 1)?.value).toBe(
      'Service, "Unavailable"',
    );
    expect(parseJsonStat(transcript('show-stat-json.txt')).length).toBeGreaterThan(1000);
  });

  it('agrees with the catalogue on every field type HAProxy 2.6 reports', () => {
    for (const field of [
      ...parseTypedStat(real('show-stat-typed.txt')),
      ...parseTypedStat(transcript('show-stat-typed.txt')),
    ]) {
      expect(STAT_FIELDS[field.name]?.type, field.name).toBe(field.type);
      expect(STAT_FIELDS[field.name]?.objects, field.name).toContain(field.objectType);
    }
  });

  it('agrees with the catalogue on which object types carry each CSV column', () => {
    const rows = [...parseStat(real('show-stat.csv')), ...parseStat(transcript('show-stat.csv'))];
    for (const row of rows) {
      const type = statObjectType(row);
      for (const name of Object.keys(row)) {
        expect(statField(name)?.objects, `${name} on a ${type}`).toContain(type);
      }
    }
  });

  it('rejects garbage with ProtocolError only', () => {
    expect(() => parseTypedStat(real('error-no-such-proxy.txt'))).toThrow(ProtocolError);
    expect(() => parseTypedStat('X.1.0.0.pxname.1:KNS:str:a\n')).toThrow(ProtocolError);
    expect(() => parseJsonStat('[{"objType":"Frontend"}]')).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        for (const parse of [
          parseTypedStat,
          parseJsonStat,
          (t: string) => typedStatToRows(parseTypedStat(t)),
        ]) {
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

  it('round-trips arbitrary string values through the typed line format', () => {
    fc.assert(
      fc.property(
        fc.string().filter((value) => !value.includes('\n') && value !== ''),
        (value) => {
          const [field] = parseTypedStat(`S.4.1.56.last_chk.1:MOP:str:${value}\n`);
          expect(field!.value).toBe(value);
        },
      ),
    );
  });
});
