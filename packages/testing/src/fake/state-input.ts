import { ADMIN_FDRAIN, type FakeState } from './state.js';

/** A plain description of what a fake should contain, when no configuration text is at hand. */
export interface FakeStateInput {
  global?: { maxconn?: number; nbthread?: number; description?: string; node?: string };
  frontends?: {
    name: string;
    mode?: 'http' | 'tcp';
    bind?: string;
    maxconn?: number;
    defaultBackend?: string;
  }[];
  backends?: {
    name: string;
    mode?: 'http' | 'tcp';
    balance?: string;
    servers?: {
      name: string;
      /** `host:port`. */
      address: string;
      weight?: number;
      check?: boolean;
      backup?: boolean;
      disabled?: boolean;
      maxconn?: number;
      agent?: boolean;
      /** Initial state: `MAINT` (like `disabled`), `DRAIN`, `DOWN` (a failing health check) or `UP`. */
      status?: 'UP' | 'DOWN' | 'MAINT' | 'DRAIN';
    }[];
  }[];
  /**
   * ACLs: a file path → patterns (a named ACL reading that file: two ids, the file's and the ACL's), or
   * `#<n>` → patterns (an ACL with inline patterns: one id). They go into the first frontend (or a
   * synthetic `fe_main`), in key order.
   */
  acls?: Record<string, string[]>;
  /** Map files: path → entries. Each is referenced by a `map()` in the first frontend. */
  maps?: Record<string, Record<string, string>>;
}

/**
 * Turn a plain state description into HAProxy configuration text plus the files it references, so a
 * fake built from `state` goes through exactly the same path as one built from `config`.
 */
export function configFromState(input: FakeStateInput): {
  config: string;
  files: Record<string, string>;
  /** Applies what configuration text cannot say (`DRAIN`, `DOWN`). */
  adjust(state: FakeState): void;
} {
  const lines: string[] = ['global'];
  if (input.global?.maxconn) lines.push(`    maxconn ${input.global.maxconn}`);
  if (input.global?.nbthread) lines.push(`    nbthread ${input.global.nbthread}`);
  if (input.global?.description) lines.push(`    description ${input.global.description}`);
  if (input.global?.node) lines.push(`    node ${input.global.node}`);
  lines.push('', 'defaults', '    mode http', '');
  const files: Record<string, string> = {};
  const frontends = input.frontends ?? [];
  const needsSynthetic = frontends.length === 0 && (input.acls || input.maps);
  const allFrontends = needsSynthetic ? [{ name: 'fe_main', mode: 'http' as const }] : frontends;
  allFrontends.forEach((frontend, index) => {
    lines.push(`frontend ${frontend.name}`);
    if (frontend.mode) lines.push(`    mode ${frontend.mode}`);
    if ('bind' in frontend && frontend.bind) lines.push(`    bind ${frontend.bind}`);
    if ('maxconn' in frontend && frontend.maxconn) lines.push(`    maxconn ${frontend.maxconn}`);
    if (index === 0) {
      let n = 0;
      for (const [key, patterns] of Object.entries(input.acls ?? {})) {
        if (key.startsWith('#')) {
          lines.push(`    acl acl_${n++} path_beg ${patterns.join(' ')}`);
          continue;
        }
        files[key] = patterns.map((pattern) => `${pattern}\n`).join('');
        lines.push(`    acl acl_${n++} path_beg -f ${key}`);
      }
      for (const [path, entries] of Object.entries(input.maps ?? {})) {
        files[path] = Object.entries(entries)
          .map(([key, value]) => `${key} ${value}\n`)
          .join('');
        lines.push(`    http-request set-var(txn.m${n++}) path,map(${path})`);
      }
    }
    if ('defaultBackend' in frontend && frontend.defaultBackend) {
      lines.push(`    default_backend ${frontend.defaultBackend}`);
    }
    lines.push('');
  });
  for (const backend of input.backends ?? []) {
    lines.push(`backend ${backend.name}`);
    if (backend.mode) lines.push(`    mode ${backend.mode}`);
    if (backend.balance) lines.push(`    balance ${backend.balance}`);
    for (const server of backend.servers ?? []) {
      const words = [`    server ${server.name} ${server.address}`];
      if (server.weight !== undefined) words.push(`weight ${server.weight}`);
      if (server.check) words.push('check');
      if (server.backup) words.push('backup');
      if (server.disabled || server.status === 'MAINT') words.push('disabled');
      if (server.status === 'DOWN' && !server.check) words.push('check');
      if (server.maxconn) words.push(`maxconn ${server.maxconn}`);
      if (server.agent) words.push('agent-check agent-port 9999');
      lines.push(words.join(' '));
    }
    lines.push('');
  }
  const adjust = (state: FakeState) => {
    for (const backend of input.backends ?? []) {
      const proxy = state.proxies.find((candidate) => candidate.backend && candidate.name === backend.name);
      for (const server of backend.servers ?? []) {
        const target = proxy?.servers.find((candidate) => candidate.name === server.name);
        if (!target) continue;
        if (server.status === 'DRAIN') target.admin |= ADMIN_FDRAIN;
        if (server.status === 'DOWN') {
          target.running = false;
          target.check.health = 0;
        }
      }
    }
  };
  return { config: lines.join('\n'), files, adjust };
}
