/**
 * @haproxyadmin/protocol — parse and serialize HAProxy's Runtime API. Pure: no `node:*`, no I/O.
 * Every export is also usable alone (tree-shakeable).
 */
export * from './errors.js';
export * from './command.js';
// response framing and reply classification (issue #4)
export * from './framing.js';
export * from './reply.js';
// show stat / show info parsers, field catalogue and aggregation (issue #2)
export * from './fields/types.js';
export * from './fields/stat-fields.js';
export * from './fields/info-fields.js';
export * from './fields/metric-names.js';
export * from './aggregate-values.js';
export * from './parse-field-value.js';
export * from './parse-stat.js';
export * from './create-stat-parser.js';
export * from './parse-typed-stat.js';
export * from './parse-typed-info.js';
export * from './parse-json-stat.js';
export * from './parse-json-info.js';
export * from './parse-info.js';
export * from './parse-address.js';
export * from './parse-acl-list.js';
export * from './parse-acl-entries.js';
export * from './parse-map-entries.js';
export * from './parse-match.js';
export * from './parse-servers-state.js';
export * from './parse-servers-conn.js';
export * from './parse-proc.js';
export * from './parse-table.js';
export * from './parse-errors.js';
export * from './parse-weight.js';
// sessions, resolvers, SSL (issue #8)
export * from './parse-sessions.js';
export * from './parse-resolvers.js';
export * from './parse-ssl.js';
