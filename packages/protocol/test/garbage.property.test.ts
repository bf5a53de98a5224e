import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStatParser,
  ProtocolError,
  parseAclEntries,
  parseAclList,
  parseAclMatch,
  parseErrors,
  parseInfo,
  parseJsonInfo,
  parseJsonStat,
  parseMapEntries,
  parseMapList,
  parseMapMatch,
  parseProc,
  parseServersConn,
  parseServersState,
  parseStat,
  parseTable,
  parseTypedInfo,
  parseTypedStat,
  parseWeight,
  parseSessions,
  parseResolvers,
  parseSslCertList,
  parseSslCert,
  parseCrtList,
} from '../src/index.js';
import { real, transcript } from './fixtures.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseStat,
  createStatParser: (text) => {
    const parser = createStatParser();
    return [...parser.push(text), ...parser.end()];
  },
  parseTypedStat,
  parseJsonStat,
  parseInfo,
  parseTypedInfo,
  parseJsonInfo,
  parseServersState,
  parseServersConn,
  parseProc,
  parseAclList,
  parseMapList,
  parseAclEntries,
  parseMapEntries,
  parseAclMatch,
  parseMapMatch,
  parseTable,
  parseErrors,
  parseWeight,
  parseSessions,
  parseResolvers,
  parseSslCertList,
  parseSslCert,
  parseCrtList,
};

// Real replies, to mutate: garbage that is close to valid input reaches deeper code paths.
const SAMPLES = [
  real('show-stat.csv'),
  real('show-stat-typed.txt').slice(0, 4000),
  real('show-info.txt'),
  real('show-servers-state.txt'),
  real('show-servers-conn.txt'),
  real('show-proc-reloaded.txt'),
  real('show-acl.txt'),
  real('show-map-entries.txt'),
  real('get-map-found.txt'),
  real('show-table-st_users.txt'),
  real('show-errors.txt'),
  transcript('get-weight.txt'),
  transcript('show-sess.txt'),
  real('show-resolvers.txt'),
  real('show-ssl-cert.txt'),
  real('show-ssl-cert-transaction.txt'),
];

const mutated = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.nat(), fc.nat(), fc.string())
  .map(([sample, a, b, insert]) => {
    const from = a % (sample.length + 1);
    const to = from + (b % 40);
    return sample.slice(0, from) + insert + sample.slice(to);
  });

describe('every parser', () => {
  it('throws nothing but ProtocolError on arbitrary or mutated input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mutated), (text) => {
        for (const [name, parse] of Object.entries(PARSERS)) {
          try {
            parse(text);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw new Error(`${name} threw ${String(error)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects the permission-denied reply', () => {
    for (const [name, parse] of Object.entries(PARSERS)) {
      expect(() => parse(real('error-permission.txt')), name).toThrow(ProtocolError);
    }
  });
});
