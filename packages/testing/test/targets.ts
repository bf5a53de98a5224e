import { readFileSync } from 'node:fs';
import { createFakeCluster, type Level, startHAProxy } from '@haproxyadmin/testing';
import type { ConformanceStart } from '@haproxyadmin/testing/conformance';

function socketsByLevel(configText: string): Map<Level, string> {
  const out = new Map<Level, string>();
  for (const match of configText.matchAll(/^\s*stats\s+socket\s+(\S+).*?level\s+(user|operator|admin)/gm)) {
    if (!out.has(match[2] as Level)) out.set(match[2] as Level, match[1]!);
  }
  return out;
}

/** Start a real HAProxy for the conformance suite. */
export const startReal: ConformanceStart = async (config, options) => {
  const real = await startHAProxy({ config, files: options.files, master: options.master });
  const levels = socketsByLevel(readFileSync(real.processes[0]!.configPath, 'utf8'));
  return {
    dir: real.dir,
    ports: real.ports,
    socket: (level = 'admin') => levels.get(level) ?? real.socket,
    masterSocket: real.masterSocket,
    close: () => real.stop(),
  };
};

/** Start a fake for the conformance suite (a one-process cluster, with a master CLI when asked). */
export const startFake: ConformanceStart = async (config, options) => {
  const cluster = await createFakeCluster({
    processes: 1,
    config,
    files: options.files,
    master: options.master,
  });
  const fake = cluster.processes[0]!;
  return {
    dir: cluster.socketDir,
    ports: fake.ports,
    socket: (level = 'admin') => fake.socketFor(level) ?? fake.socket,
    masterSocket: cluster.masterSocket,
    close: () => cluster.close(),
  };
};
