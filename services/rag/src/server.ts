#!/usr/bin/env node
import {
  createLogger,
  loadConfig,
  loadS2SKeyRing,
  onShutdownSignals,
  S2SSigner,
  S2SVerifier,
  SecretStore,
} from '@nemo/common';
import { build } from './app.js';
import { ragConfigSchema } from './config.js';
import { InferenceEmbedder } from './inference-embedder.js';
import { openRag } from './runtime.js';

const config = loadConfig(ragConfigSchema);
const logger = createLogger({ service: config.NEMO_SERVICE_NAME, level: config.NEMO_LOG_LEVEL });
const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
const keys = await loadS2SKeyRing(secrets);
const embedder = await InferenceEmbedder.start(config.NEMO_EMBEDDING_MODEL, config.NEMO_MODELS_DIR);
const signer = new S2SSigner({ issuer: config.NEMO_SERVICE_NAME, key: keys.primary });
const runtime = await openRag({ config, secrets, logger, embedder, signer });
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: config.NEMO_SERVICE_NAME, keys }),
  services: runtime.services,
  checks: runtime.checks,
});
await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
onShutdownSignals({
  logger,
  timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'rag', close: () => runtime.close() },
    { name: 'embedder', close: () => embedder.close() },
  ],
});
