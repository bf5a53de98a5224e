/**
 * @haproxyadmin/protocol — parse and serialize HAProxy's Runtime API. Pure: no `node:*`, no I/O.
 * Every export is also usable alone (tree-shakeable).
 */
export * from './errors.js';
export * from './command.js';
