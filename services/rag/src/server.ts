#!/usr/bin/env node
import { loadConfig, S2SSigner, S2SVerifier, serve, startServiceBase } from '@nemo/common';
import { build } from './app.js';
import { ragConfigSchema } from './config.js';
import { InferenceEmbedder } from './inference-embedder.js';
import { openRag } from './runtime.js';

const config = loadConfig(ragConfigSchema);
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;
const embedder = await InferenceEmbedder.start(config.NEMO_EMBEDDING_MODEL, config.NEMO_MODELS_DIR);
const signer = new S2SSigner({ issuer: service, key: keys.primary });
const runtime = await openRag({ config, secrets, logger, embedder, signer });
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: service, keys }),
  services: runtime.services,
  checks: runtime.checks,
});
await serve(base, config, app, [
  { name: 'rag', close: () => runtime.close() },
  { name: 'embedder', close: () => embedder.close() },
]);
