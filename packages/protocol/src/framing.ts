import { ProtocolError } from './errors.js';

/**
 * How replies are delimited on a CLI connection.
 *
 * - `oneshot`: the default, non-interactive mode: the whole reply runs until HAProxy closes the
 *   connection (one reply per connection).
 * - `prompt`: a stats socket after `prompt`: every reply is followed by `"> "`. A normal reply ends
 *   `"\n\n> "`, a silent success is `"\n> "`, and the pre-3.0 single-LF messages end `"…\n> "`.
 * - `master`: the master CLI after `prompt`: every reply is followed by `"master> "` (or `"<pid>> "`
 *   after a sticky `@1` / `@!<pid>`), with no leading LF, so a reply may be empty.
 */
export type FramingMode = 'oneshot' | 'prompt' | 'master';

export interface ResponseFramerOptions {
  mode: FramingMode;
  /**
   * Largest reply accepted, in characters; a longer one is a {@link ProtocolError}. Default
   * 1 GiB (a `show stat json` of a very large configuration is hundreds of MB).
   */
  maxReplyLength?: number;
}

/** A framed reply: the text HAProxy sent for one command, without the prompt that followed it. */
export interface FramedReply {
  /** The reply text exactly as sent, prompt excluded (`"2.6.12\n\n"`, `"\n"`, `"No such server.\n"`). */
  readonly text: string;
  /** The prompt that ended it (`"> "`, `"master> "`, `"1234> "`); empty in one-shot mode. */
  readonly prompt: string;
}

/** The master CLI's routing errors: a single line, after which HAProxy closes the connection. */
const MASTER_CLOSING_REPLY =
  /^(?:Can't find the target PID matching the prefix '[^'\n]*'|Can't connect to the target CLI!)\n$/;

/** `master`, `1234`, optionally with `[ReloadFailed]` and a `(xed)` flag list, then `> `. */
const MASTER_PROMPT_LABEL = /^(?:master|\d+)(?:\[[A-Za-z]*\])?(?:\([a-z]*\))?$/;
/** Longest master prompt label we accept, to bound the look-back. */
const MAX_LABEL = 40;

/**
 * Splits the characters HAProxy sends on one CLI connection into replies. Pure: it is fed string
 * chunks in arrival order (any split, down to one character) and never reads a socket. Cost is
 * linear in the input: a multi-megabyte dump fed in 64 KiB chunks is joined once.
 *
 * @example
 * const framer = new ResponseFramer({ mode: 'prompt' });
 * framer.push('\n> 2.6.12\n\n> No such ser'); // → [{ text: '\n' }, { text: '2.6.12\n\n' }]
 * framer.push('ver.\n> ');                    // → [{ text: 'No such server.\n' }]
 */
export class ResponseFramer {
  readonly mode: FramingMode;
  private readonly maxReplyLength: number;
  /** Chunks of the reply being received (joined once, when its end is found). */
  private chunks: string[] = [];
  private length = 0;
  /** The last characters of the pending reply, to find a prompt split across chunks. */
  private tail = '';
  private ended = false;

  constructor(options: ResponseFramerOptions) {
    this.mode = options.mode;
    this.maxReplyLength = options.maxReplyLength ?? 2 ** 30;
  }

  /** Characters received and not yet part of a complete reply. */
  get buffered(): number {
    return this.length;
  }

  /**
   * Feed the next chunk; returns the replies it completed, in order.
   * @throws {ProtocolError} when the input cannot be an HAProxy reply stream, or a reply is too long.
   */
  push(chunk: string): FramedReply[] {
    if (this.ended) throw new ProtocolError('data received after the end of the stream');
    if (chunk.length === 0) return [];
    if (this.mode === 'oneshot') {
      this.append(chunk);
      return [];
    }
    const replies: FramedReply[] = [];
    const tailLength = this.tail.length;
    const window = this.tail + chunk;
    // Window index where the current reply starts; negative while it started before the window.
    let replyStart = tailLength - this.length;
    // A prompt entirely inside the tail was already ruled out: its `>` is at tailLength - 1 at least.
    let position = Math.max(0, tailLength - 1);
    for (;;) {
      const index = window.indexOf('> ', position);
      if (index < 0) break;
      const end =
        this.mode === 'prompt'
          ? workerReplyEnd(window, index, replyStart)
          : masterReplyEnd(window, index, replyStart);
      if (end === undefined) {
        position = index + 1;
        continue;
      }
      let text: string;
      if (replyStart < 0 || (replyStart === 0 && tailLength > 0)) {
        // The first reply of this chunk began in earlier chunks.
        const pending = this.chunks.join('');
        const upTo = this.length + (end - tailLength);
        text = upTo <= pending.length ? pending.slice(0, upTo) : pending + window.slice(tailLength, end);
        this.reset();
      } else {
        text = window.slice(replyStart, end);
      }
      if (text.length > this.maxReplyLength) {
        throw new ProtocolError(`reply longer than ${this.maxReplyLength} characters`);
      }
      const promptEnd = index + 2;
      replies.push({ text, prompt: window.slice(end, promptEnd) });
      replyStart = promptEnd;
      position = promptEnd;
    }
    this.append(window.slice(Math.max(replyStart, tailLength)));
    return replies;
  }

  /**
   * The peer closed the connection. Returns the final reply when the pending text is a complete one
   * (one-shot mode: everything received; master CLI: a routing error, after which HAProxy closes).
   * @throws {ProtocolError} when a reply was cut off (pending text that is not a complete reply).
   */
  end(): FramedReply[] {
    if (this.ended) return [];
    this.ended = true;
    const pending = this.chunks.join('');
    this.reset();
    if (this.mode === 'oneshot') return [{ text: pending, prompt: '' }];
    if (pending.length === 0) return [];
    if (this.mode === 'master' && MASTER_CLOSING_REPLY.test(pending)) return [{ text: pending, prompt: '' }];
    throw new ProtocolError(
      `connection closed in the middle of a reply (${pending.length} characters pending)`,
      { excerpt: pending.slice(0, 200) },
    );
  }

  private append(text: string): void {
    if (text.length === 0) return;
    this.length += text.length;
    if (this.length > this.maxReplyLength) {
      throw new ProtocolError(`reply longer than ${this.maxReplyLength} characters`);
    }
    this.chunks.push(text);
    this.tail = text.length >= TAIL ? text.slice(-TAIL) : (this.tail + text).slice(-TAIL);
  }

  private reset(): void {
    this.chunks = [];
    this.length = 0;
    this.tail = '';
  }
}

/** Characters of a pending reply kept to recognise a prompt split across chunks. */
const TAIL = MAX_LABEL + 2;

/**
 * Worker CLI: `> ` preceded by `\n` ends a reply (the `\n` belongs to the reply). `> ` at the very
 * start of a reply never happens on a stats socket (every reply has at least `\n`): garbage.
 */
function workerReplyEnd(window: string, index: number, replyStart: number): number | undefined {
  if (index === replyStart) {
    throw new ProtocolError('a prompt with no reply before it: the peer does not speak the HAProxy CLI', {
      excerpt: window.slice(Math.max(0, index), index + 80),
    });
  }
  return window[index - 1] === '\n' ? index : undefined;
}

/**
 * Master CLI: the prompt label (`master`, `<pid>`) starts a line, or the reply, and is followed by
 * `> `; the reply is everything before the label (possibly nothing).
 */
function masterReplyEnd(window: string, index: number, replyStart: number): number | undefined {
  const newline = window.lastIndexOf('\n', index - 1);
  let lineStart: number;
  if (newline >= 0 && newline >= replyStart) lineStart = newline + 1;
  else if (replyStart >= 0) lineStart = replyStart;
  else return undefined; // the line began before the kept tail: far too long for a prompt label
  if (index - lineStart > MAX_LABEL) return undefined;
  return MASTER_PROMPT_LABEL.test(window.slice(lineStart, index)) ? lineStart : undefined;
}

/**
 * Remove the `+ ` prompts HAProxy prints in prompt mode for each payload line it reads, from the
 * start of the reply to a command sent with a payload (`add map #0 <<`).
 */
export function stripPayloadPrompts(text: string): string {
  let index = 0;
  while (text.startsWith('+ ', index)) index += 2;
  return text.slice(index);
}

/**
 * Split a command line into its `;`-separated commands, as HAProxy does, keeping every escape
 * (`\;`, `\ `, `\\`) intact so that each part can be sent on its own (for example behind a master
 * CLI routing prefix). `'show info; get weight a/b\;c'` → `['show info', ' get weight a/b\;c']`.
 */
export function splitCommandLine(line: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '\\') index++;
    else if (char === ';') {
      parts.push(line.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

/**
 * Split the text of a one-shot connection that ran `count` chained commands into one reply per
 * command, on the empty lines HAProxy puts after each output. Because pre-3.0 HAProxy ends some
 * messages with a single `\n` (`No such server.\n`), the split is only trusted when it yields
 * exactly `count` parts; otherwise the whole text is returned as one part.
 */
export function splitOneShotReplies(text: string, count: number): string[] {
  if (count <= 1) return [text];
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    if (text.startsWith('\n', start)) {
      // A silent success: just `\n`.
      parts.push('\n');
      start += 1;
    } else {
      const end = text.indexOf('\n\n', start);
      if (end < 0) break;
      parts.push(text.slice(start, end + 2));
      start = end + 2;
    }
    if (start >= text.length) break;
  }
  return start === text.length && parts.length === count ? parts : [text];
}
