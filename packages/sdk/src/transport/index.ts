export type { Send, Transport, TransportInterceptor, TransportReply, TransportRequest } from './types.js';
export { type Endpoint, formatEndpoint, parseEndpoint } from './endpoint.js';
export {
  type CliKind,
  type StreamTransport,
  type StreamTransportOptions,
  type TcpTransportOptions,
  type UnixTransportOptions,
  streamTransport,
  tcpTransport,
  unixTransport,
} from './stream-transport.js';
export {
  log,
  type RetryOptions,
  retry,
  type TimeoutOptions,
  timeout,
  type TransportLogEvent,
  withInterceptors,
} from './interceptors.js';
export { type HttpStatsTransportOptions, httpStatsTransport } from './http-stats-transport.js';
