export * from './speech.js';
export * from './wer.js';
