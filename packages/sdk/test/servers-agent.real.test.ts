/**
 * Agent settings proven by a real agent: 2 real HAProxy 2.6 processes run agent checks every
 * 100 ms against a tiny TCP agent that records what it receives. `setAgentSend` (text with spaces
 * and `;`, escaped for the CLI) and `setAgentPort` change what every process sends and where.
 */
import { createServer, type Server as NetServer } from 'node:net';
import { type RealHAProxy, startHAProxy } from '@haproxyadmin/testing';
import { describeWithHAProxy } from '@haproxyadmin/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HAProxy } from '../src/index.js';
import { haproxyConfig } from './setup-haproxy.js';
import { waitFor } from './setup-wait.js';

const CONFIG = haproxyConfig(
  { socket: '${dir}/admin${index}.sock', mode: 'tcp', defaults: '    timeout check 1s' },
  `
backend be
    server a1 127.0.0.1:\${port:a1} agent-check agent-port \${port:agent} agent-inter 100ms agent-send hello
`,
);

interface Agent {
  server: NetServer;
  received: string[];
}

function agent(port: number): Promise<Agent> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let text = '';
    socket.on('error', () => {});
    // HAProxy sends the agent-send string, then reads one line. Answer once it arrived (not after a
    // fixed delay: on a busy machine it may come later) and record all of it when HAProxy hangs up.
    socket.on('data', (chunk) => {
      if (text === '') socket.end('up\n');
      text += chunk.toString();
    });
    socket.on('close', () => received.push(text));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, received })));
}

/** Agent checks run every 100 ms per process; a busy machine may take much longer. */
const until = (check: () => boolean) => waitFor(check, { interval: 20, what: 'agent checks' });

describeWithHAProxy('agent settings seen by a real agent (2 processes)', () => {
  let real: RealHAProxy;
  let hap: HAProxy;
  let first: Agent;
  let second: Agent | undefined;

  beforeAll(async () => {
    real = await startHAProxy({ processes: 2, config: CONFIG });
    first = await agent(real.ports.agent!);
    hap = await HAProxy.connect({ socketDir: real.dir, timeout: 5000 });
  });
  afterAll(async () => {
    await hap?.close();
    await real?.stop();
    first?.server.close();
    second?.server.close();
  });

  it('setAgentSend: every process sends the new text, byte for byte', async () => {
    await until(() => first.received.includes('hello'));
    const [a1] = await hap.server('a1', { backend: 'be' });
    const text = 'ready; weight 50% \\ end';
    await a1!.setAgentSend(text);
    const from = first.received.length;
    await until(() => first.received.slice(from).filter((line) => line === text).length >= 4);
    // a check already in flight may still have sent the old text; the next ones all send the new
    const mark = first.received.length;
    await until(() => first.received.length >= mark + 4);
    const later = first.received.slice(mark, mark + 4);
    expect(later).toEqual(Array(4).fill(text));
  });

  it('setAgentPort: every process moves its agent checks to the new port', async () => {
    second = await agent(0);
    const port = (second.server.address() as { port: number }).port;
    const [a1] = await hap.server('a1', { backend: 'be' });
    await a1!.setAgentPort(port);
    await until(() => second!.received.length >= 4);
    const states = await a1!.state();
    expect(states.map(({ state }) => state.fields.srv_agent_port)).toEqual([port, port]);
  });
});
