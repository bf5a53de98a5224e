import type { Socket } from 'node:net';
import { tokenizeCommandLine } from '@haproxyadmin/protocol';
import type { Reply, SessionSettings, Severity } from './command.js';
import { type Fault, type FaultQueue, GARBAGE } from './faults.js';

/** Per-connection session state of a CLI connection. */
export interface ConnectionSession extends SessionSettings {
  /** Master CLI: the sticky target (`@1`), or undefined for the master itself. */
  sticky?: string | undefined;
  /** HAProxy's `tune.bufsize` (default 16384): the largest request (command + payload) accepted. */
  bufsize?: number;
  /** A `reload` fault to apply before the next command runs. */
  pendingReload?: { config?: string | undefined } | undefined;
  /** The client closed its side (`show sess` shows such a session differently). */
  halfClosed?: boolean;
  /** A command relayed by the master CLI: the worker sees it on a socketpair session. */
  viaMaster?: { id: number; fd: number };
}

/** What the framing layer needs from a worker or master CLI. */
export interface CliEngine {
  faults: FaultQueue;
  /** Execute one command of a chain. */
  execute(
    args: string[],
    line: string,
    payload: string | undefined,
    session: ConnectionSession,
  ): Promise<Reply>;
  /** The prompt printed after each reply in prompt mode. */
  prompt(session: ConnectionSession): string;
  /** What `prompt` answers when it turns prompt mode on. */
  promptOn(session: ConnectionSession): string;
}

const SEVERITY_NUMBER: Record<Severity, number> = { err: 3, warning: 4, notice: 5, info: 6 };

/** Split a line into `;`-separated commands, keeping the text of each (escapes respected). */
export function splitChain(line: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '\\' && i + 1 < line.length) {
      current += char + line[i + 1];
      i++;
    } else if (char === ';') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function applySeverity(reply: Reply, session: SessionSettings): string {
  if (!reply.severity || session.severityOutput === 'none') return reply.text;
  const tag = session.severityOutput === 'number' ? String(SEVERITY_NUMBER[reply.severity]) : reply.severity;
  return `[${tag}]: ${reply.text}`;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Serve one CLI connection with HAProxy 2.6 framing: one-shot or prompt mode, `;` chains, `<<` payloads
 * ending at an empty line, idle timeout, and injected faults.
 */
export function serveConnection(socket: Socket, engine: CliEngine, session: ConnectionSession): void {
  let buffer = '';
  let busy = false;
  let ended = false;
  let closed = false;
  let stalled = false;
  let payloadFor: string | undefined;
  let payloadLines: string[] = [];
  socket.setEncoding('utf8');
  socket.setTimeout(session.timeout);
  socket.on('timeout', () => socket.end());
  socket.on('error', () => {
    closed = true;
  });
  socket.on('close', () => {
    closed = true;
  });
  const finish = () => {
    if (!closed) socket.end();
    closed = true;
  };

  const write = async (text: string, fault: Fault | undefined): Promise<'ok' | 'closed'> => {
    if (closed) return 'closed';
    if (!fault) {
      socket.write(text);
      return 'ok';
    }
    switch (fault.kind) {
      case 'close-before-reply':
        socket.destroy();
        closed = true;
        return 'closed';
      case 'close-mid-reply':
        socket.write(text.slice(0, fault.afterBytes));
        socket.end();
        closed = true;
        return 'closed';
      case 'stall-mid-reply':
        socket.write(text.slice(0, fault.afterBytes));
        stalled = true;
        return 'closed';
      case 'chunked-reply': {
        const size = Math.max(1, fault.chunkSize ?? 1);
        for (let i = 0; i < text.length && !closed; i += size) {
          socket.write(text.slice(i, i + size));
          await wait(fault.intervalMs ?? 0);
        }
        return closed ? 'closed' : 'ok';
      }
      default:
        socket.write(text);
        return 'ok';
    }
  };

  const runLine = async (line: string, payload: string | undefined): Promise<boolean> => {
    for (const part of splitChain(line)) {
      const args = tokenizeCommandLine(part)[0] ?? [];
      if (args[0] === 'quit') {
        finish();
        return false;
      }
      let fault = engine.faults.takeCommandFault(part);
      if (fault?.kind === 'delay') {
        await wait(fault.ms);
        fault = undefined;
      } else if (fault?.kind === 'reload') {
        session.pendingReload = { config: fault.config };
        fault = undefined;
      }
      let reply: Reply;
      if (args.length === 1 && args[0] === 'prompt') {
        session.prompt = !session.prompt;
        reply = { text: session.prompt ? engine.promptOn(session) : '\n' };
        if ((await write(reply.text, fault)) === 'closed') return false;
        continue;
      }
      if (fault?.kind === 'permission-denied') {
        reply = { text: 'Permission denied\n\n', severity: 'err' };
        fault = undefined;
      } else if (fault?.kind === 'reply') {
        reply = { text: fault.text };
        fault = undefined;
      } else if (fault?.kind === 'garbage-reply') {
        reply = { text: fault.text ?? GARBAGE };
        fault = undefined;
      } else {
        try {
          reply = await engine.execute(args, part, payload, session);
        } catch (error) {
          reply = { text: `Internal error: ${(error as Error).message}\n\n`, severity: 'err' };
        }
      }
      if (closed) return false;
      let text = applySeverity(reply, session);
      if (session.prompt && !reply.close) text += engine.prompt(session);
      if ((await write(text, fault)) === 'closed') return false;
      if (reply.close) {
        finish();
        return false;
      }
      socket.setTimeout(session.timeout);
    }
    return true;
  };

  // HAProxy reads a request (a command line, or a command line and its payload) into one buffer of
  // tune.bufsize bytes: a bigger request gets no reply and the connection is closed.
  const limit = (session.bufsize ?? 16384) - 1;
  let requestSize = 0;
  const tooLarge = () => {
    if (!closed) socket.end();
    closed = true;
  };

  const pump = async () => {
    if (busy) return;
    busy = true;
    let pos = 0;
    const compact = () => {
      buffer = buffer.slice(pos);
      pos = 0;
    };
    try {
      let ran = false;
      for (;;) {
        if (closed || stalled) return;
        const newline = buffer.indexOf('\n', pos);
        if (newline < 0) {
          if (payloadFor !== undefined && buffer.length - pos + requestSize > limit) tooLarge();
          else if (payloadFor === undefined && buffer.length - pos > limit) {
            // A command line that does not fit: HAProxy waits with a full buffer until the idle timeout.
            stalled = true;
          }
          break;
        }
        let line = buffer.slice(pos, newline);
        pos = newline + 1;
        if (payloadFor !== undefined) {
          // Payload lines until an empty line; in prompt mode each one is acknowledged with "+ ".
          requestSize += line.length + 1;
          if (requestSize > limit) {
            tooLarge();
            return;
          }
          if (line !== '') {
            payloadLines.push(line);
            if (session.prompt && !closed) socket.write('+ ');
            continue;
          }
          const command = payloadFor;
          const payload = payloadLines.length > 0 ? `${payloadLines.join('\n')}\n` : '';
          payloadFor = undefined;
          payloadLines = [];
          ran = true;
          compact();
          if (!(await runLine(command, payload))) return;
          continue;
        }
        if (line.length + 1 > limit) {
          stalled = true;
          return;
        }
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (/(^|[ \t])<<$/.test(line)) {
          payloadFor = line.slice(0, line.length - 2);
          requestSize = line.length + 1;
          if (session.prompt && !closed) socket.write('+ ');
          continue;
        }
        ran = true;
        compact();
        if (!(await runLine(line, undefined))) return;
      }
      if (closed || stalled) return;
      if (!session.prompt && ran && payloadFor === undefined) finish();
      else if (ended) finish();
    } finally {
      compact();
      busy = false;
    }
  };

  socket.on('data', (chunk: string) => {
    if (stalled || closed) return;
    buffer += chunk;
    void pump();
  });
  socket.on('end', () => {
    ended = true;
    session.halfClosed = true;
    if (!busy && !stalled) finish();
    else if (!stalled) void pump();
  });
}
