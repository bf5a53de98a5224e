export { type FakeClock, createFakeClock } from './clock.js';
export {
  allowed,
  type CommandContext,
  type CommandHandler,
  command,
  data,
  err,
  errSingle,
  type FakeProcessInfo,
  type HandlerResult,
  info,
  OK,
  PERMISSION_DENIED,
  type Reply,
  type SessionSettings,
  type Severity,
} from './command.js';
export { FakeConfigError, parseConfig } from './config-parser.js';
export {
  type CallRecord,
  createFakeHAProxy,
  type FakeHAProxy,
  type FakeHAProxyOptions,
  type FakeSocket,
} from './fake-haproxy.js';
export type { Fault, FaultKind, FaultScope } from './faults.js';
export type {
  Counters,
  FakeState,
  GlobalState,
  Level,
  PatternEntry,
  PatternRefState,
  ProxyState,
  ServerState,
  StickTableState,
  TableEntry,
} from './state.js';
export { configFromState, type FakeStateInput } from './state-input.js';
export type { SessionTarget, TrafficOptions } from './traffic.js';
export { createFakeCluster, type FakeCluster, type FakeClusterOptions } from './cluster.js';
export { MASTER_HELP_LINES } from './master-cli.js';
