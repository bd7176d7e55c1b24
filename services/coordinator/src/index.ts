export * from './app.js';
export * from './arbiter.js';
export * from './classes.js';
export * from './config.js';
export * from './ledger.js';
export * from './migrate.js';
export * from './store/lease-store.js';
