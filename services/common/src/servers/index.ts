export * from './free-port.js';
export * from './local-server.js';
export * from './managed-process.js';
export * from './postgres-server.js';
export * from './redis-server.js';
