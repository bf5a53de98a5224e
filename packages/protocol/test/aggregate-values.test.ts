import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateValues,
  BACKEND_METRICS,
  FRONTEND_METRICS,
  HAPROXY_METRICS,
  INFO_FIELDS,
  InvalidArgumentError,
  infoField,
  parseFieldValue,
  SERVER_METRICS,
  STAT_FIELDS,
  statField,
} from '../src/index.js';

describe('aggregateValues', () => {
  it('sums counters, skipping empty values (never read as 0)', () => {
    expect(aggregateValues('sum', [1, 2, undefined, 3])).toEqual({ kind: 'value', value: 6 });
    expect(aggregateValues('sum', [undefined, ''])).toEqual({ kind: 'empty' });
    expect(aggregateValues('avg', [10, undefined])).toEqual({ kind: 'value', value: 10 });
  });

  it('is exact beyond 2^53 with bigints and returns numbers when the result fits', () => {
    expect(aggregateValues('sum', [Number.MAX_SAFE_INTEGER, 2])).toEqual({
      kind: 'value',
      value: 9007199254740993n,
    });
    expect(aggregateValues('sum', [18446744073709551615n, 1])).toEqual({
      kind: 'value',
      value: 18446744073709551616n,
    });
    expect(aggregateValues('sum', [2n ** 60n, -(2n ** 60n), 5])).toEqual({ kind: 'value', value: 5 });
    expect(aggregateValues('max', [3, 2n ** 64n, 7])).toEqual({ kind: 'value', value: 2n ** 64n });
    expect(aggregateValues('avg', [2n ** 64n, 2n ** 64n])).toEqual({ kind: 'value', value: 2n ** 64n });
  });

  it('averages times and percentages instead of summing them', () => {
    expect(aggregateValues(statField('qtime')!.aggregation, [10, 20])).toEqual({ kind: 'value', value: 15 });
    expect(aggregateValues(infoField('Idle_pct')!.aggregation, [100, 50])).toEqual({
      kind: 'value',
      value: 75,
    });
    expect(aggregateValues(statField('throttle')!.aggregation, [30, undefined, 60])).toEqual({
      kind: 'value',
      value: 45,
    });
  });

  it('takes maxima and minima', () => {
    expect(aggregateValues('max', [1, 9, 3])).toEqual({ kind: 'value', value: 9 });
    expect(aggregateValues('min', [4, -1, 3])).toEqual({ kind: 'value', value: -1 });
  });

  it('flags configuration and status that differ', () => {
    expect(aggregateValues('same', ['UP', 'UP'])).toEqual({ kind: 'value', value: 'UP' });
    expect(aggregateValues('same', ['UP', 'DOWN', undefined])).toEqual({
      kind: 'inconsistent',
      values: ['UP', 'DOWN'],
    });
    expect(aggregateValues('same', [5, 5n])).toEqual({ kind: 'value', value: 5 });
  });

  it('keeps per-process identities apart', () => {
    expect(aggregateValues('per-process', [6873])).toEqual({ kind: 'value', value: 6873 });
    expect(aggregateValues('per-process', [6873, 6874])).toEqual({
      kind: 'per-process',
      values: [6873, 6874],
    });
  });

  it('refuses text under a numeric rule', () => {
    expect(() => aggregateValues('sum', [1, 'UP'])).toThrow(InvalidArgumentError);
  });

  it('sums exactly whatever the mix of numbers and bigints', () => {
    const value = fc.oneof(
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    );
    fc.assert(
      fc.property(fc.array(fc.option(value, { nil: undefined }), { minLength: 1 }), (values) => {
        const present = values.filter((v) => v !== undefined);
        const result = aggregateValues('sum', values);
        if (present.length === 0) {
          expect(result).toEqual({ kind: 'empty' });
          return;
        }
        const exact = present.reduce<bigint>((total, v) => total + BigInt(v), 0n);
        expect(result.kind).toBe('value');
        if (result.kind === 'value') {
          expect(BigInt(result.value as number | bigint)).toBe(exact);
          expect(typeof result.value).toBe(
            Number.isSafeInteger(Number(exact)) && BigInt(Number(exact)) === exact ? 'number' : 'bigint',
          );
        }
      }),
    );
  });
});

describe('field catalogue', () => {
  it('has the seed metric lists verbatim at their start', () => {
    expect(FRONTEND_METRICS.slice(0, 25)).toEqual(
      'bin bout comp_byp comp_in comp_out comp_rsp dreq dresp ereq hrsp_1xx hrsp_2xx hrsp_3xx hrsp_4xx hrsp_5xx hrsp_other rate rate_lim rate_max req_rate req_rate_max req_tot scur slim smax stot'.split(
        ' ',
      ),
    );
    expect(BACKEND_METRICS.slice(0, 40)).toContain('downtime');
    expect(SERVER_METRICS.slice(0, 39)).toContain('throttle');
    expect(HAPROXY_METRICS.slice(0, 40)).toContain('Uptime_sec');
    expect(HAPROXY_METRICS.slice(0, 40)).toHaveLength(40);
  });

  it('describes every metric name, with a numeric type and a rule', () => {
    for (const name of [...FRONTEND_METRICS, ...BACKEND_METRICS, ...SERVER_METRICS]) {
      expect(statField(name)?.type, name).not.toBe('str');
    }
    for (const name of HAPROXY_METRICS) expect(INFO_FIELDS[name]?.type, name).not.toBe('str');
    for (const list of [FRONTEND_METRICS, BACKEND_METRICS, SERVER_METRICS, HAPROXY_METRICS]) {
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('never sums percentages, times or process identities', () => {
    for (const name of ['throttle', 'qtime', 'ctime', 'rtime', 'ttime', 'check_duration', 'agent_duration']) {
      expect(STAT_FIELDS[name]!.aggregation, name).toBe('avg');
    }
    for (const name of ['Idle_pct', 'SslFrontendSessionReuse_pct'])
      expect(INFO_FIELDS[name]!.aggregation).toBe('avg');
    for (const name of ['Pid', 'Process_num', 'Uptime_sec', 'Uptime', 'Start_time_sec']) {
      expect(INFO_FIELDS[name]!.aggregation, name).toBe('per-process');
    }
    expect(STAT_FIELDS.pid!.aggregation).toBe('per-process');
    for (const field of [...Object.values(STAT_FIELDS), ...Object.values(INFO_FIELDS)]) {
      if (field.type === 'str') expect(['same', 'per-process'], field.name).toContain(field.aggregation);
    }
  });

  it('describes stats-module columns by prefix and nothing else', () => {
    expect(statField('quic_conn_opening')).toMatchObject({
      type: 'u64',
      aggregation: 'sum',
      since: 'module',
    });
    expect(statField('no_such_column')).toBeUndefined();
    expect(statField('toString')).toBeUndefined();
    expect(infoField('constructor')).toBeUndefined();
  });
});

describe('parseFieldValue', () => {
  it('types values', () => {
    expect(parseFieldValue('')).toBeUndefined();
    expect(parseFieldValue('0')).toBe(0);
    expect(parseFieldValue('-1')).toBe(-1);
    expect(parseFieldValue('18446744073709551615', 'u64')).toBe(18446744073709551615n);
    expect(parseFieldValue('3.627616', 'flt')).toBe(3.627616);
    expect(parseFieldValue('12', 'str')).toBe('12');
    expect(parseFieldValue('0x5', 'u32')).toBe('0x5');
    expect(parseFieldValue('UP 1/3')).toBe('UP 1/3');
  });

  it('keeps every integer exact', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), (value) => {
        const parsed = parseFieldValue(value.toString(), 'u64');
        expect(BigInt(parsed as number | bigint)).toBe(value);
        expect(typeof parsed).toBe(
          value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
            ? 'number'
            : 'bigint',
        );
      }),
    );
  });
});
