export * from './speech.js';
export * from './conversation.js';
export * from './der.js';
export * from './wer.js';
export * from './encode.js';
