#!/usr/bin/env node
import {
  createPgPool,
  loadConfig,
  pgCheck,
  postgresUrlFrom,
  S2SVerifier,
  serve,
  startServiceBase,
  type SecretStore,
} from '@nemo/common';
import { build } from './app.js';
import { EmotionClassifier, InferenceEmotionModel } from './classifier.js';
import { type EmotionConfig, emotionConfigSchema } from './config.js';
import { EventWriter } from './event-writer.js';
import { migrate } from './migrate.js';

const config = loadConfig(emotionConfigSchema);
const base = await startServiceBase(config);
const { logger, secrets, keys } = base;

function postgresUrl(c: EmotionConfig, store: SecretStore): string | undefined {
  if (c.NEMO_POSTGRES_URL) return c.NEMO_POSTGRES_URL;
  if (c.NEMO_POSTGRES_HOST || store.readOptional('postgres-url')) return postgresUrlFrom(c, store);
  return undefined;
}

const url = postgresUrl(config, secrets);
const pool = url ? createPgPool(url) : undefined;
if (pool) await migrate(pool);
const model = await InferenceEmotionModel.start(config.NEMO_MODELS_DIR);
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: config.NEMO_SERVICE_NAME, keys }),
  services: { classifier: new EmotionClassifier(model), events: pool ? new EventWriter(pool) : undefined },
  ...(pool ? { checks: { postgres: pgCheck(pool) } } : {}),
});
await serve(base, config, app, [
  { name: 'model', close: () => model.close() },
  { name: 'postgres', close: () => pool?.end() },
]);
