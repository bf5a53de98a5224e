/**
 * Per-process capacities and limits that legitimately differ between processes (each worker's own
 * socket/fd/memory limit) aggregate as a sum — the fleet's total capacity, as `Maxconn` and the rate
 * limits do — rather than requiring every process to agree.
 */
import { describe, expect, it } from 'vitest';
import { aggregateValues, infoField } from '../src/index.js';

describe('show info capacities aggregate as a sum', () => {
  for (const name of [
    'Maxsock',
    'Ulimit-n',
    'Maxpipes',
    'Hard_maxconn',
    'Memmax_MB',
    'Memmax_bytes',
    'Maxconn',
  ]) {
    it(`${name} is summed`, () => {
      expect(infoField(name)?.aggregation).toBe('sum');
    });
  }

  it('a healthy fleet whose first process has 8034 sockets and the others 8030 totals 32124', () => {
    const rule = infoField('Maxsock')!.aggregation;
    expect(aggregateValues(rule, [8034, 8030, 8030, 8030])).toEqual({ kind: 'value', value: 32124 });
  });

  for (const name of ['Process_num', 'Pid', 'Uptime_sec', 'Start_time_sec', 'Stopping', 'Tainted']) {
    it(`${name} identifies one process and stays per-process`, () => {
      expect(infoField(name)?.aggregation).toBe('per-process');
    });
  }
});
