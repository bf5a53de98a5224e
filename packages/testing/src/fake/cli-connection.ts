import type { Socket } from 'node:net';
import { tokenizeCommandLine } from '@haproxyadmin/protocol';
import type { Reply, SessionSettings, Severity } from './command.js';
import { type Fault, type FaultQueue, GARBAGE } from './faults.js';

/** Per-connection session state of a CLI connection. */
export interface ConnectionSession extends SessionSettings {
  /** Master CLI: the sticky target (`@1`), or undefined for the master itself. */
  sticky?: string | undefined;
  /** A `reload` fault to apply before the next command runs. */
  pendingReload?: { config?: string | undefined } | undefined;
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

  const pump = async () => {
    if (busy) return;
    busy = true;
    try {
      let ran = false;
      for (;;) {
        if (closed || stalled) return;
        if (payloadFor !== undefined) {
          // Payload lines until an empty line; in prompt mode each one is acknowledged with "+ ".
          const newline = buffer.indexOf('\n');
          if (newline < 0) break;
          const payloadLine = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (payloadLine !== '') {
            payloadLines.push(payloadLine);
            if (session.prompt && !closed) socket.write('+ ');
            continue;
          }
          const line = payloadFor;
          const payload = payloadLines.length > 0 ? `${payloadLines.join('\n')}\n` : '';
          payloadFor = undefined;
          payloadLines = [];
          ran = true;
          if (!(await runLine(line, payload))) return;
          continue;
        }
        const newline = buffer.indexOf('\n');
        if (newline < 0) break;
        let line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        const payloadMatch = /(^|[ \t])<<$/.exec(line);
        if (payloadMatch) {
          payloadFor = line.slice(0, line.length - 2);
          if (session.prompt && !closed) socket.write('+ ');
          continue;
        }
        ran = true;
        if (!(await runLine(line, undefined))) return;
      }
      if (closed || stalled) return;
      if (!session.prompt && ran && payloadFor === undefined) finish();
      else if (ended) finish();
    } finally {
      busy = false;
    }
  };

  socket.on('data', (chunk: string) => {
    if (stalled || closed) return;
    buffer += chunk;
    if (buffer.length > 16 * 1024 * 1024) {
      socket.destroy();
      closed = true;
      return;
    }
    void pump();
  });
  socket.on('end', () => {
    ended = true;
    if (!busy && !stalled) finish();
    else if (!stalled) void pump();
  });
}
