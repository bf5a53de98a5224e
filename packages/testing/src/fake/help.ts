import type { Reply } from './command.js';
import { HELP_LINES } from './data/help-text.js';

/**
 * The keywords (`str_kw`) of the commands listed by `help`, in the order HAProxy 2.6 registers them
 * (object link order, then order in each file). Fuzzy suggestions of equal distance are kept in this
 * order, so it decides which ones make the cut of five.
 */
const REGISTRATION_ORDER: readonly string[] = [
  'show tls-keys',
  'set ssl tls-key',
  'set ssl ocsp-response',
  'show ssl ocsp-response',
  'show ssl providers',
  'add ssl crt-list',
  'del ssl crt-list',
  'show ssl crt-list',
  'new ssl cert',
  'set ssl cert',
  'commit ssl cert',
  'abort ssl cert',
  'del ssl cert',
  'show ssl cert',
  'new ssl ca-file',
  'set ssl ca-file',
  'commit ssl ca-file',
  'abort ssl ca-file',
  'del ssl ca-file',
  'show ssl ca-file',
  'new ssl crl-file',
  'set ssl crl-file',
  'commit ssl crl-file',
  'abort ssl crl-file',
  'del ssl crl-file',
  'show ssl crl-file',
  'show sess',
  'shutdown session',
  'shutdown sessions server',
  'clear counters',
  'show info',
  'show stat',
  'show schema json',
  'disable agent',
  'disable health',
  'disable server',
  'enable agent',
  'enable health',
  'enable server',
  'set maxconn server',
  'set server',
  'get weight',
  'set weight',
  'add server',
  'del server',
  'clear table',
  'set table',
  'show table',
  'show peers',
  'show resolvers',
  'set maxconn global',
  'set rate-limit',
  'set severity-output',
  'set timeout',
  'show env',
  'show cli sockets',
  'show cli level',
  'show fd',
  'show activity',
  'show version',
  'operator',
  'user',
  'disable frontend',
  'enable frontend',
  'set maxconn frontend',
  'show servers conn',
  'show servers state',
  'show backend',
  'shutdown frontend',
  'set dynamic-cookie-key backend',
  'enable dynamic-cookie backend',
  'disable dynamic-cookie backend',
  'show errors',
  'show cache',
  'get var',
  'show libs',
  'show threads',
  'show events',
  'add acl',
  'clear acl',
  'commit acl',
  'del acl',
  'get acl',
  'prepare acl',
  'show acl',
  'add map',
  'clear map',
  'commit map',
  'del map',
  'get map',
  'prepare map',
  'set map',
  'show map',
  'show pools',
  'trace',
  'show trace',
  '@<relative pid>',
  '@!<pid>',
  '@master',
  'show proc',
  'reload',
  'set profiling',
  'show profiling',
  'show tasks',
  'show startup-logs',
];

/** Usage lines whose keyword words differ from what the usage text shows. */
const KEYWORD_OF_USAGE: Record<string, string> = { 'new ssl crlfile': 'new ssl crl-file' };

const RANK = new Map(REGISTRATION_ORDER.map((keyword, index) => [keyword, index]));

interface Keyword {
  words: string[];
  line: string;
  /** Position in the registration order (unknown keywords last, in listing order). */
  rank: number;
  /** Position in the listing (HAProxy sorts the listing by usage text). */
  order: number;
}

function keywordsOf(lines: readonly string[]): Keyword[] {
  return lines.map((line, order) => {
    let words: string[] = [];
    const column = line.slice(2).split(':')[0]!.trim();
    if (column.startsWith('@')) words = [column];
    else {
      for (const word of column.split(/\s+/)) {
        if (/^[<[{(@]/.test(word)) break;
        words.push(word);
      }
    }
    const joined = KEYWORD_OF_USAGE[words.join(' ')] ?? words.join(' ');
    return {
      words: joined.split(' '),
      line,
      rank: RANK.get(joined) ?? REGISTRATION_ORDER.length + order,
      order,
    };
  });
}

const WORKER_KEYWORDS = keywordsOf(HELP_LINES);
/** The last three lines (help, prompt, quit) close every help listing. */
const TRAILER = 3;

/** HAProxy's `update_word_fingerprint()`: letter presence plus letter-to-letter transitions. */
function fingerprint(signature: Int32Array, word: string): void {
  let from = 28;
  for (const char of word.toLowerCase()) {
    const code = char.charCodeAt(0);
    const to = code >= 97 && code <= 122 ? code - 96 : code >= 48 && code <= 57 ? 27 : 28;
    signature[to] = 1;
    signature[32 * from + to]! += 1;
    from = to;
  }
  signature[32 * from + 28]! += 1;
}

function distance(args: string[], words: string[]): number {
  const a = new Int32Array(1024);
  const b = new Int32Array(1024);
  for (const word of args) fingerprint(a, word);
  for (const word of words) fingerprint(b, word);
  let sum = 0;
  for (let i = 0; i < 1024; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum;
}

/** HAProxy matches at most this many leading words (`CLI_PREFIX_KW_NB`). */
const PREFIX_WORDS = 5;
/** Fuzzy suggestions kept (`CLI_MAX_MATCHES`). */
const MAX_MATCHES = 5;

/**
 * The reply HAProxy gives to `help [words]`, an empty command, or an unknown command: a header, the
 * keywords matching the words already recognised (or the closest ones by word fingerprint), then the
 * `help`, `prompt` and `quit` lines. Follows 2.6's `cli_gen_usage_msg()`.
 */
export function helpReply(args: string[], isHelp: boolean, lines: readonly string[] = HELP_LINES): Reply {
  const keywords = lines === HELP_LINES ? WORKER_KEYWORDS : keywordsOf(lines);
  const body = keywords.slice(0, keywords.length - TRAILER);
  const trailer = keywords.slice(keywords.length - TRAILER);
  // The number of leading words some keyword matches exactly.
  let length = 0;
  for (const keyword of keywords) {
    for (let i = 0; i < PREFIX_WORDS && i < keyword.words.length && i < args.length; i++) {
      if (!args[i] || keyword.words[i] !== args[i]) break;
      length = Math.max(length, i + 1);
    }
  }
  let header: string;
  if (isHelp) header = 'The following commands are valid at this level:';
  else if (length === 0 && !args[0])
    header = 'Unknown command. Please enter one of the following commands only:';
  else header = 'Unknown command, but maybe one of the following ones is a better match:';
  const prefixed = (keyword: Keyword) =>
    keyword.words.length >= length && args.slice(0, length).every((word, i) => keyword.words[i] === word);
  // Registration order: among equal distances the first registered keeps its place.
  const candidates = body.filter(prefixed).sort((a, b) => a.rank - b.rank);
  let selected: Keyword[] = [];
  if (args[length]) {
    const rest = args.slice(length, PREFIX_WORDS);
    const matches: { keyword: Keyword; dist: number }[] = [];
    for (const keyword of candidates) {
      const words = keyword.words.slice(length, PREFIX_WORDS);
      const total = [...rest, ...words].reduce((sum, word) => sum + word.length, 0);
      const dist = distance(rest, words);
      if (dist >= Math.floor((5 * total) / 2)) continue;
      if (matches.length === MAX_MATCHES && dist >= matches[MAX_MATCHES - 1]!.dist) continue;
      if (matches.length === MAX_MATCHES) matches.pop();
      let at = matches.length;
      while (at > 0 && matches[at - 1]!.dist > dist) at--;
      matches.splice(at, 0, { keyword, dist });
    }
    const best = matches[0]?.dist ?? 0;
    selected = matches
      .filter((match) => match.dist <= Math.floor((5 * best) / 2))
      .map((match) => match.keyword);
  }
  if (selected.length === 0) selected = candidates;
  selected.sort((a, b) => a.order - b.order);
  const text = [
    header,
    ...selected.map((keyword) => keyword.line),
    ...trailer.map((keyword) => keyword.line),
  ].join('\n');
  return { text: `${text}\n\n`, severity: 'info' };
}
