#!/usr/bin/env node
import {
  createLogger,
  createPgPool,
  loadConfig,
  loadS2SKeyRing,
  onShutdownSignals,
  pgCheck,
  postgresUrlFrom,
  S2SVerifier,
  SecretStore,
} from '@nemo/common';
import { build } from './app.js';
import { EmotionClassifier, InferenceEmotionModel } from './classifier.js';
import { type EmotionConfig, emotionConfigSchema } from './config.js';
import { EventWriter } from './event-writer.js';
import { migrate } from './migrate.js';

const config = loadConfig(emotionConfigSchema);
const logger = createLogger({ service: config.NEMO_SERVICE_NAME, level: config.NEMO_LOG_LEVEL });
const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
const keys = await loadS2SKeyRing(secrets);

function postgresUrl(c: EmotionConfig): string | undefined {
  if (c.NEMO_POSTGRES_URL) return c.NEMO_POSTGRES_URL;
  if (c.NEMO_POSTGRES_HOST || secrets.readOptional('postgres-url')) return postgresUrlFrom(c, secrets);
  return undefined;
}

const url = postgresUrl(config);
const pool = url ? createPgPool(url) : undefined;
if (pool) await migrate(pool);
const model = await InferenceEmotionModel.start(config.NEMO_MODELS_DIR);
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: config.NEMO_SERVICE_NAME, keys }),
  services: { classifier: new EmotionClassifier(model), events: pool ? new EventWriter(pool) : undefined },
  ...(pool ? { checks: { postgres: pgCheck(pool) } } : {}),
});
await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
onShutdownSignals({
  logger,
  timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'model', close: () => model.close() },
    { name: 'postgres', close: () => pool?.end() },
  ],
});
