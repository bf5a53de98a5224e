import { createConnection, type Socket } from 'node:net';

/** A prompt-mode client: `send(cmd)` resolves with the reply up to (without) the prompt. */
export interface PromptClient {
  send(command: string): Promise<string>;
  /** Resolves when the server closes the connection, with what arrived meanwhile. */
  closed(): Promise<string>;
  socket: Socket;
  close(): void;
}

/** Open a connection and switch it to prompt mode. */
export async function promptClient(path: string, prompt = '> '): Promise<PromptClient> {
  const socket = createConnection(path);
  let buffer = '';
  let waiter: (() => void) | undefined;
  let isClosed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    waiter?.();
  });
  socket.on('close', () => {
    isClosed = true;
    waiter?.();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const readUntilPrompt = (expected: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (buffer.endsWith(expected)) {
          const out = buffer.slice(0, buffer.length - expected.length);
          buffer = '';
          waiter = undefined;
          resolve(out);
        } else if (isClosed) {
          waiter = undefined;
          reject(new Error(`connection closed; pending ${JSON.stringify(buffer)}`));
        }
      };
      waiter = check;
      check();
    });
  socket.write('prompt\n');
  await readUntilPrompt(prompt);
  return {
    socket,
    send: (command) => {
      socket.write(`${command}\n`);
      return readUntilPrompt(prompt);
    },
    closed: () =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (isClosed) resolve(buffer);
        };
        waiter = check;
        check();
      }),
    close: () => socket.destroy(),
  };
}

/** Connect, write, half-close, and collect everything until the server closes (or `timeout`). */
export function rawExchange(path: string, data: string, options: { end?: boolean; timeout?: number } = {}) {
  return new Promise<{ text: string; closedByServer: boolean }>((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.setEncoding('utf8');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, options.timeout ?? 2000);
    socket.on('connect', () => (options.end === false ? socket.write(data) : socket.end(data)));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer: true });
    });
  });
}
