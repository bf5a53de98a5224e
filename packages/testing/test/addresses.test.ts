import { describe, expect, it } from 'vitest';
import { createFakeHAProxy, startHAProxy } from '../src/index.js';
import { haproxyAvailable } from '../src/vitest.js';

// Unix-socket, IPv6 and IPv4 servers: `show stat` prints `unix` / `[::1]:port`, and
// `show servers state` prints `-` / `::1` (captured from HAProxy 2.6.12).
const config = `global
    stats socket \${dir}/admin.sock level admin
defaults
    timeout connect 1s
    timeout client 1s
    timeout server 1s
backend be
    server su unix@\${dir}/x.sock
    server s6 [::1]:8080
    server s4 127.0.0.1:80
`;

const expectedAddr = ['su,unix', 's6,[::1]:8080', 's4,127.0.0.1:80'];
const expectedState = ['su - 0', 's6 ::1 8080', 's4 127.0.0.1 80'];

async function addresses(send: (command: string) => Promise<string>) {
  const stat = (await send('show stat')).split('\n');
  const header = stat[0]!.slice(2).split(',');
  const addr = header.indexOf('addr');
  const servers = stat
    .slice(1)
    .map((line) => line.split(','))
    .filter((fields) => fields[0] === 'be' && fields[1] !== 'BACKEND' && fields[1] !== undefined)
    .map((fields) => `${fields[1]},${fields[addr]}`);
  const state = (await send('show servers state be'))
    .split('\n')
    .filter((line) => /^\d/.test(line) && line.includes(' be '))
    .map((line) => {
      const fields = line.split(' ');
      return `${fields[3]} ${fields[4]} ${fields[18]}`;
    });
  return { servers, state };
}

describe('server addresses as HAProxy prints them', () => {
  it('fake', async () => {
    const fake = await createFakeHAProxy({ config });
    try {
      expect(await addresses((command) => fake.send(command))).toEqual({
        servers: expectedAddr,
        state: expectedState,
      });
    } finally {
      await fake.close();
    }
  });

  it.runIf(haproxyAvailable())('real HAProxy', async () => {
    const real = await startHAProxy({ config });
    try {
      expect(await addresses((command) => real.send(command))).toEqual({
        servers: expectedAddr,
        state: expectedState,
      });
    } finally {
      await real.stop();
    }
  });
});
