import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import type { Level } from '../fake/state.js';
import { normalize } from './normalize.js';
import type { ConformanceScript, ConformanceStep } from './scripts.js';

/** A running target (real or fake) as the conformance suite sees it. */
export interface ConformanceTarget {
  /** The Unix socket path for a level (the config declares one per level). */
  socket(level?: Level): string;
  /** The master CLI socket, when started with `master: true`. */
  masterSocket?: string | undefined;
  /** The scratch folder (replaced by `<dir>` in answers). Default: the folder of the admin socket. */
  dir?: string;
  /** Ports given to `${port:NAME}` placeholders (replaced by `<port:NAME>` in answers). */
  ports?: Record<string, number>;
  close(): Promise<void>;
}

/** What the suite passes to `start`. */
export interface ConformanceStartOptions {
  /** Files (ACL, map) to write into the folder, names relative to it. */
  files: Record<string, string>;
  /** Start with a master CLI. */
  master: boolean;
}

/** Starts a target from configuration text (with `${dir}` and `${port:NAME}` placeholders). */
export type ConformanceStart = (
  config: string,
  options: ConformanceStartOptions,
) => Promise<ConformanceTarget>;

/** Open a connection, write, half-close (unless `keepOpen`), read until the server closes. */
export function exchange(path: string, send: string, keepOpen = false, timeout = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no close from ${path} within ${timeout} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`,
        ),
      );
    }, timeout);
    socket.on('connect', () => {
      if (keepOpen) socket.write(send);
      else socket.end(send);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Run one script's steps and return the normalised answers. */
export async function runScript(target: ConformanceTarget, script: ConformanceScript): Promise<string[]> {
  const answers: string[] = [];
  for (const step of script.steps) answers.push(await runStep(target, step));
  return answers;
}

async function runStep(target: ConformanceTarget, step: ConformanceStep): Promise<string> {
  const dir = target.dir ?? dirname(target.socket('admin'));
  const which = step.socket ?? 'admin';
  const path = which === 'master' ? target.masterSocket : target.socket(which);
  if (!path) throw new Error(`target has no ${which} socket`);
  const send = step.send.split('${dir}').join(dir);
  // A master re-executes itself after start-up: retry a refused connection for a moment.
  let raw: string | undefined;
  for (let attempt = 0; raw === undefined; attempt++) {
    try {
      raw = await exchange(path, send, step.keepOpen);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt > 40 || !['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE'].includes(code ?? ''))
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return normalize(raw, step.normalize ?? 'exact', dir, target.ports);
}
