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
    }[];
  }[];
  /** ACL files: path → patterns. Each becomes a named ACL in the first frontend (or a synthetic one). */
  acls?: Record<string, string[]>;
  /** Map files: path → entries. Each is referenced by a `map()` in the first frontend. */
  maps?: Record<string, Record<string, string>>;
}

/**
 * Turn a plain state description into HAProxy configuration text plus the files it references, so a
 * fake built from `state` goes through exactly the same path as one built from `config`.
 */
export function configFromState(input: FakeStateInput): { config: string; files: Record<string, string> } {
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
      for (const [path, patterns] of Object.entries(input.acls ?? {})) {
        files[path] = patterns.map((pattern) => `${pattern}\n`).join('');
        lines.push(`    acl acl_${n++} path_beg -f ${path}`);
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
      if (server.disabled) words.push('disabled');
      if (server.maxconn) words.push(`maxconn ${server.maxconn}`);
      if (server.agent) words.push('agent-check agent-port 9999');
      lines.push(words.join(' '));
    }
    lines.push('');
  }
  return { config: lines.join('\n'), files };
}
