import { ProtocolError } from './errors.js';
import type { FieldValue } from './fields/types.js';
import { parseFieldValue } from './parse-field-value.js';

/** `srv_op_state`: the server's operational state (`enum srv_state`). */
export type ServerOperationalState = 'stopped' | 'starting' | 'running' | 'stopping' | 'unknown';

/** Flags of the `srv_admin_state` bitfield (`enum srv_admin`). */
export type ServerAdminFlag =
  | 'forced-maint' // 0x01: set to maintenance (CLI, stats page, `disabled`)
  | 'inherited-maint' // 0x02: maintenance inherited from a tracked server
  | 'config-maint' // 0x04: `disabled` in the configuration
  | 'forced-drain' // 0x08: set to drain
  | 'inherited-drain' // 0x10: drain inherited from a tracked server
  | 'resolution-maint' // 0x20: maintenance because DNS resolution failed
  | 'fqdn-changed'; // 0x40: FQDN set from the CLI

/** Flags of `srv_check_state` / `srv_agent_state` (`CHK_ST_*`). */
export type CheckStateFlag = 'in-progress' | 'configured' | 'enabled' | 'paused' | 'agent';

/** One server of `show servers state`. */
export interface ServerStateEntry {
  readonly backendId: number;
  readonly backendName: string;
  readonly serverId: number;
  readonly serverName: string;
  /** `srv_addr`; `undefined` for `-` (e.g. a Unix-socket server). */
  readonly address: string | undefined;
  /** `srv_port`. */
  readonly port: number | undefined;
  readonly operationalState: ServerOperationalState;
  readonly adminFlags: readonly ServerAdminFlag[];
  /** Any maintenance flag (forced, inherited, resolution). */
  readonly maintenance: boolean;
  /** Any drain flag. */
  readonly drain: boolean;
  /** `srv_check_status` as the `check_status` code of `show stat` (`L7OK`, `L4CON`, `INI`…). */
  readonly checkStatus: string | undefined;
  /** `srv_check_result`: `unknown`, `neutral`, `failed`, `passed`, `conditionally-passed`. */
  readonly checkResult: string | undefined;
  readonly checkState: readonly CheckStateFlag[];
  readonly agentState: readonly CheckStateFlag[];
  /** Every column under its header name, typed; `-` (empty) is absent. */
  readonly fields: Readonly<Record<string, FieldValue | undefined>>;
}

/** The reply of `show servers state`. */
export interface ServersState {
  /** The format version of the first line (1 since 1.6). */
  readonly version: number;
  /** Column names of the `#` header. */
  readonly columns: readonly string[];
  readonly servers: ServerStateEntry[];
}

const OPERATIONAL: readonly ServerOperationalState[] = ['stopped', 'starting', 'running', 'stopping'];
const ADMIN: ReadonlyArray<[number, ServerAdminFlag]> = [
  [0x01, 'forced-maint'],
  [0x02, 'inherited-maint'],
  [0x04, 'config-maint'],
  [0x08, 'forced-drain'],
  [0x10, 'inherited-drain'],
  [0x20, 'resolution-maint'],
  [0x40, 'fqdn-changed'],
];
const CHECK_STATE: ReadonlyArray<[number, CheckStateFlag]> = [
  [0x01, 'in-progress'],
  [0x02, 'configured'],
  [0x04, 'enabled'],
  [0x08, 'paused'],
  [0x10, 'agent'],
];
// `enum healthcheck_status` of 2.x, as printed by `show stat` (checked against 2.6.12: 1 = INI,
// 6 = L4OK, 8 = L4CON, 15 = L7OK, 17 = L7STS).
const CHECK_STATUS = [
  'UNK',
  'INI',
  'START',
  'CHECKED',
  'HANA',
  'SOCKERR',
  'L4OK',
  'L4TOUT',
  'L4CON',
  'L6OK',
  'L6TOUT',
  'L6RSP',
  'L7TOUT',
  'L7RSP',
  'L57DATA',
  'L7OK',
  'L7OKC',
  'L7STS',
  'PROCERR',
  'PROCTOUT',
  'PROCOK',
];
const CHECK_RESULT = ['unknown', 'neutral', 'failed', 'passed', 'conditionally-passed'];
const TEXT = /* @__PURE__ */ new Set([
  'be_name',
  'srv_name',
  'srv_addr',
  'srv_fqdn',
  'srvrecord',
  'srv_check_addr',
  'srv_agent_addr',
]);

/** Decode `srv_admin_state` into flag names. */
export function decodeServerAdminState(value: number): ServerAdminFlag[] {
  return ADMIN.filter(([bit]) => (value & bit) !== 0).map(([, flag]) => flag);
}

/** Decode `srv_check_state` / `srv_agent_state` into flag names. */
export function decodeCheckState(value: number): CheckStateFlag[] {
  return CHECK_STATE.filter(([bit]) => (value & bit) !== 0).map(([, flag]) => flag);
}

const number = (value: FieldValue | undefined) => (typeof value === 'number' ? value : undefined);

/**
 * Parse `show servers state [<backend>]` (1.6+): a version line (`1`), a `# be_id be_name …` header,
 * then one space-separated line per server (`-` = empty). Columns are read by header name; the
 * state bitfields are decoded (`adminFlags`, `operationalState`, `checkState`…).
 *
 * @throws {ProtocolError} on another reply (e.g. `Can't find backend.`) or a row that does not fit the header.
 */
export function parseServersState(text: string): ServersState {
  const command = 'show servers state';
  const lines = text.split('\n').filter((line) => line !== '');
  const version = lines[0];
  const header = lines[1];
  if (version === undefined || !/^\d+$/.test(version) || header === undefined || !header.startsWith('# ')) {
    throw new ProtocolError(`${command}: unexpected reply`, { command, excerpt: text.slice(0, 80) });
  }
  const columns = header.slice(2).split(' ');
  const servers: ServerStateEntry[] = [];
  for (const line of lines.slice(2)) {
    const values = line.split(' ');
    if (values.length !== columns.length) {
      throw new ProtocolError(
        `${command}: a row has ${values.length} fields, the header has ${columns.length}`,
        {
          command,
          excerpt: line.slice(0, 80),
        },
      );
    }
    const fields: Record<string, FieldValue | undefined> = {};
    columns.forEach((name, index) => {
      const raw = values[index]!;
      const value = raw === '-' ? undefined : parseFieldValue(raw, TEXT.has(name) ? 'str' : undefined);
      if (value !== undefined && name !== '__proto__') fields[name] = value;
    });
    const backendId = number(fields.be_id);
    const serverId = number(fields.srv_id);
    if (
      backendId === undefined ||
      serverId === undefined ||
      typeof fields.be_name !== 'string' ||
      typeof fields.srv_name !== 'string'
    ) {
      throw new ProtocolError(`${command}: a row without backend/server ids and names`, {
        command,
        excerpt: line.slice(0, 80),
      });
    }
    const admin = number(fields.srv_admin_state) ?? 0;
    const status = number(fields.srv_check_status);
    const result = number(fields.srv_check_result);
    servers.push({
      backendId,
      backendName: fields.be_name,
      serverId,
      serverName: fields.srv_name,
      address: typeof fields.srv_addr === 'string' ? fields.srv_addr : undefined,
      port: number(fields.srv_port),
      operationalState: OPERATIONAL[number(fields.srv_op_state) ?? -1] ?? 'unknown',
      adminFlags: decodeServerAdminState(admin),
      maintenance: (admin & 0x23) !== 0,
      drain: (admin & 0x18) !== 0,
      checkStatus: status === undefined ? undefined : (CHECK_STATUS[status] ?? String(status)),
      checkResult: result === undefined ? undefined : (CHECK_RESULT[result] ?? String(result)),
      checkState: decodeCheckState(number(fields.srv_check_state) ?? 0),
      agentState: decodeCheckState(number(fields.srv_agent_state) ?? 0),
      fields,
    });
  }
  return { version: Number(version), columns, servers };
}
