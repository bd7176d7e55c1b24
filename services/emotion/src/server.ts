#!/usr/bin/env node
import { loadConfig, openInsightsEvents, S2SSigner, S2SVerifier, serve, startServiceBase } from '@nemo/common';
import { build } from './app.js';
import { EmotionClassifier, InferenceEmotionModel } from './classifier.js';
import { emotionConfigSchema } from './config.js';

const config = loadConfig(emotionConfigSchema);
const base = await startServiceBase(config);
const { logger, keys, service } = base;
const signer = new S2SSigner({ issuer: service, key: keys.primary });
const events = openInsightsEvents({ url: config.NEMO_INSIGHTS_URL, signer, logger });
const model = await InferenceEmotionModel.start(config.NEMO_MODELS_DIR);
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: service, keys }),
  services: { classifier: new EmotionClassifier(model), events },
});
await serve(base, config, app, [
  { name: 'insights', close: () => events?.close() },
  { name: 'model', close: () => model.close() },
]);
