import type { Reply } from './command.js';
import { HELP_LINES } from './data/help-text.js';

interface Keyword {
  words: string[];
  line: string;
}

function keywordsOf(lines: readonly string[]): Keyword[] {
  return lines.map((line) => {
    const words: string[] = [];
    for (const word of line.slice(2).split(':')[0]!.trim().split(/\s+/)) {
      if (/^[<[{(@]/.test(word)) break;
      words.push(word);
    }
    return { words, line };
  });
}

const WORKER_KEYWORDS = keywordsOf(HELP_LINES);
/** The last three lines (help, prompt, quit) close every help listing. */
const TRAILER = 3;

function fingerprint(signature: Int32Array, word: string): void {
  let from = 28;
  for (const char of word.toLowerCase()) {
    const code = char.charCodeAt(0);
    const to = code >= 97 && code <= 122 ? code - 96 : code >= 48 && code <= 57 ? 27 : 28;
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

/**
 * The reply HAProxy gives to `help [words]`, an empty command, or an unknown command: a header, the
 * keywords matching the words already recognised (or the closest ones by word fingerprint), then the
 * `help`, `prompt` and `quit` lines.
 */
export function helpReply(args: string[], isHelp: boolean, lines: readonly string[] = HELP_LINES): Reply {
  const keywords = lines === HELP_LINES ? WORKER_KEYWORDS : keywordsOf(lines);
  const body = keywords.slice(0, keywords.length - TRAILER);
  const trailer = keywords.slice(keywords.length - TRAILER);
  let length = 0;
  for (const keyword of keywords) {
    for (let i = 0; i < keyword.words.length && i < args.length; i++) {
      if (keyword.words[i] !== args[i]) break;
      length = Math.max(length, i + 1);
    }
  }
  let header: string;
  if (isHelp) header = 'The following commands are valid at this level:';
  else if (length === 0 && args.length === 0)
    header = 'Unknown command. Please enter one of the following commands only:';
  else header = 'Unknown command, but maybe one of the following ones is a better match:';
  let selected: Keyword[];
  const prefix = args.slice(0, length);
  const candidates = body.filter((keyword) => prefix.every((word, index) => keyword.words[index] === word));
  if (args.length === 0 || (isHelp && args.length === length))
    selected = isHelp && args.length === 0 ? body : candidates;
  else if (args.length === length) selected = candidates;
  else {
    // Closest keywords by word-transition fingerprint: at most 5, within 1.5x of the best one.
    const rest = args.slice(length, 5);
    const scored = candidates
      .filter((keyword) => keyword.words.length > length)
      .map((keyword) => ({ keyword, score: distance(rest, keyword.words.slice(length)) }))
      .sort((a, b) => a.score - b.score)
      .slice(0, 5);
    const best = scored[0]?.score ?? 0;
    const kept = new Set(scored.filter((entry) => entry.score <= best * 1.5).map((entry) => entry.keyword));
    selected = body.filter((keyword) => kept.has(keyword));
  }
  const text = [
    header,
    ...selected.map((keyword) => keyword.line),
    ...trailer.map((keyword) => keyword.line),
  ].join('\n');
  return { text: `${text}\n\n`, severity: 'info' };
}
