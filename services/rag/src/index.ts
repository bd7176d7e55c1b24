export { build, type RagAppOptions } from './app.js';
export { ragConfigSchema, type RagConfig } from './config.js';
export type { Embedder } from './embedder.js';
export { openRag, type RagRuntime } from './runtime.js';
export type { RagServices } from './services.js';
