import { CommandFailedError, PermissionDeniedError } from './errors.js';

/**
 * A reply as HAProxy sent it for one command, classified.
 *
 * `text` is the reply without its framing: the severity prefix (`[3]: `) is removed and the final
 * empty line is dropped, so a dump ends with its own last `\n`, a silent success is `''`, and a
 * single-LF message (`Server deleted.\n`) is kept as is.
 */
export type ClassifiedReply =
  | { readonly ok: true; readonly text: string; readonly severity: number | undefined }
  | {
      readonly ok: false;
      readonly text: string;
      readonly severity: number | undefined;
      readonly error: CommandFailedError;
    };

/** Syslog severities HAProxy uses with `set severity-output number|string`. */
const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const SEVERITY_PREFIX = /^\[(\d|emerg|alert|crit|err|warning|notice|info|debug)\]: /;

/**
 * Split a `set severity-output number|string` prefix off a reply.
 *
 * HAProxy prefixes "quick" messages only (errors, `show version`, `New server registered.`, …);
 * dumps such as `show stat` or `get weight` never carry one.
 *
 * @example parseSeverity('[3]: No such server.\n\n') // { severity: 3, text: 'No such server.\n\n' }
 */
export function parseSeverity(text: string): { severity: number | undefined; text: string } {
  const match = SEVERITY_PREFIX.exec(text);
  if (!match) return { severity: undefined, text };
  const word = match[1]!;
  const severity = /^\d$/.test(word)
    ? Number(word)
    : SEVERITY_NAMES.indexOf(word as (typeof SEVERITY_NAMES)[number]);
  return { severity, text: text.slice(match[0].length) };
}

/** Drop the empty line that ends a reply: `"x\n\n"` → `"x\n"`, `"\n"` → `""`, `"x\n"` stays. */
export function stripFinalEmptyLine(text: string): string {
  if (text === '\n') return '';
  return text.endsWith('\n\n') ? text.slice(0, -1) : text;
}

/**
 * First lines of HAProxy's error messages (runtime-api §6, checked against 2.6.12): a reply whose
 * first line matches is a failure even without a severity prefix (the master CLI of 2.6 cannot set
 * one). Anchored on the whole first line so that data can never match by accident.
 */
const ERROR_LINES: readonly RegExp[] = [
  /^Unknown command\b.*$/,
  /^The following commands are valid at this level:$/,
  /^This command is restricted to (?:expert|experimental) mode only\.$/,
  /^Too many arguments\. Commands must have at most \d+ arguments\.$/,
  /^The (?:command line|payload) is too big\b.*$/,
  /^(?:Out of memory|Internal error)\.$/,
  /^Can't allocate memory!$/,
  /^Failed to alloc a buffer to process the command line\.$/,
  /^Require 'backend\/server'\.$/,
  /^No such (?:backend|server|frontend|proxy|table|event sink|session \(use 'show sess'\))\.?$/,
  /^Proxy is disabled\.$/,
  /^An? (?:frontend|backend) name is expected\.$/,
  /^Invalid statistics domain\.$/,
  /^Can't find (?:backend|that resolvers section)\.?$/,
  /^Unknown (?:map|ACL) identifier\. Please use #<id> or <file>\.$/,
  /^Malformed identifier\. Please use #<id> or <file>\.$/,
  /^(?:Key|entry) not found\.$/,
  /^Missing (?:map|ACL) identifier(?: and\/or key)?\.$/,
  /^Missing (?:version number|value for key\b.*)\.?$/,
  /^Version number (?:out of range|in the future\b.*)\.?$/,
  /^Variable not found\.?$/,
  /^(?:Expects an integer value|Value out of range|Integer value expected|Invalid timeout value)\.$/,
  /^Absolute weight can only be between 0 and 256 inclusive\.$/,
  /^(?:Relative weight must be positive|Trailing garbage in weight string)\.?$/,
  /^Empty weight string empty or preceded by garbage$/,
  /^Require <weight> or <weight%>\.$/,
  /^Backend is using a static LB algorithm\b.*$/,
  /^'[^']+' expects\b.*$/,
  /^This command expects\b.*$/,
  /^usage: .*$/,
  /^(?:agent|health) checks are not enabled on this server\.?$/,
  /^(?:Health check|Agent) was not configured on this server, cannot enable\.$/,
  /^cannot change health on a tracking server\.$/,
  /^set server \S+ fqdn failed\b.*$/,
  /^Invalid addr '.*$/,
  /^problem converting port '.*$/,
  /^Already exists a server with the same name in backend\.$/,
  /^Backend (?:does not support dynamic servers|must use a dynamic load balancing)\b.*$/,
  /^unknown keyword '.*$/,
  /^Only servers in maintenance mode can be deleted\.$/,
  /^Server still has connections attached to it, cannot remove it\.$/,
  /^This server cannot be removed at runtime\b.*$/,
  /^Failed to (?:pause|resume) frontend\b.*$/,
  /^Frontend was previously shut down, cannot enable\.$/,
  /^Session (?:pointer expected|not found)\b.*$/,
  /^(?:Wait delay expired|Interrupted|Failed)[.!]$/,
  /^Can't find the target PID matching the prefix '.*'$/,
  /^Can't connect to the target CLI!$/,
  /^'show proc' only supports 'debug' as argument$/,
  /^Operations on certificates are currently locked!$/,
  // 2.6 prints `No ongoing transaction! !` before `Can't commit <f>!`.
  /^(?:No ongoing transaction|Can't commit .*|Can't update .*)!(?: !)?$/,
  /^Data type not stored in this table$/,
  /^(?:Require a valid integer value to store|Key value expected|Unknown data type|Invalid key)$/,
  /^"data\.[^"]*" followed by a value expected$/,
  /^Entry currently in use, cannot remove$/,
  /^Can't (?:display the certificate|remove the certificate|replace a certificate|show)\b.*$/,
  /^'(?:set|commit) ssl cert expects\b.*$/,
  /^didn't find the specified filename$/,
  /^unable to load (?:certificate|the private key)\b.*$/,
  /^Certificate ID does not match any certificate\.$/,
  /^Filter entry #\d+: .*$/,
  /^one of 'none', 'number', 'string' is a required argument$/,
  /^'.+' is not a valid IPv4 or IPv6 address\.$/,
  /^Success=0$/,
];

const PERMISSION_DENIED = /^Permission denied!?$/;

/** The catalogue as one regular expression (one scan per reply instead of one per pattern). */
const ERROR_LINE = new RegExp(ERROR_LINES.map((pattern) => `(?:${pattern.source})`).join('|'));

const SILENT_SUCCESS: ClassifiedReply = Object.freeze({ ok: true, text: '', severity: undefined });

/**
 * Classify one command's reply (as framed, prompt excluded): success with its text, or a
 * {@link CommandFailedError} / {@link PermissionDeniedError}.
 *
 * With `set severity-output number`, severities 0–3 (emerg…err) are errors; 4 (warning) is an
 * error only for the known failure texts (`IP changed from …` is a warning *and* a success);
 * 5 (notice: `All sockets are already disabled.`) and 6 (info: `show version`, `New server
 * registered.`, `Server deleted.`) are successes — except `Unknown command…` (info).
 * Without a prefix, the first line is matched against HAProxy's error catalogue. Data dumps are
 * never prefixed and never match the catalogue's whole-line patterns.
 *
 * @param command the command line as sent, kept in the error.
 */
export function classifyReply(command: string, raw: string): ClassifiedReply {
  // The most common reply of all: a silent success.
  if (raw === '\n') return SILENT_SUCCESS;
  const { severity, text: body } = parseSeverity(raw);
  const text = stripFinalEmptyLine(body);
  const firstLine = text
    .slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)
    .replace(/\r$/, '');
  if (PERMISSION_DENIED.test(firstLine)) {
    return { ok: false, text, severity, error: new PermissionDeniedError(command, text) };
  }
  const known = ERROR_LINE.test(firstLine);
  const failed = severity !== undefined && severity <= 3 ? true : known;
  if (!failed) return { ok: true, text, severity };
  return {
    ok: false,
    text,
    severity,
    error: new CommandFailedError(command, text, severityOption(severity)),
  };
}

function severityOption(severity: number | undefined): { severity?: number } {
  return severity === undefined ? {} : { severity };
}

/**
 * Like {@link classifyReply} but returns the text of a success and throws the error of a failure.
 * @throws {CommandFailedError} / {@link PermissionDeniedError}
 */
export function checkReply(command: string, raw: string): string {
  const reply = classifyReply(command, raw);
  if (!reply.ok) throw reply.error;
  return reply.text;
}
