#!/usr/bin/env node
import { loadConfig, S2SSigner, S2SVerifier, serve, startServiceBase } from '@nemo/common';
import { build } from './app.js';
import { llmConfigSchema } from './config.js';
import { openLlm } from './runtime.js';

const config = loadConfig(llmConfigSchema);
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;
const signer = new S2SSigner({ issuer: service, key: keys.primary });
const runtime = await openLlm({ config, signer, logger, secrets });
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: service, keys }),
  chat: runtime.chat,
  conversations: runtime.conversations,
  checks: runtime.checks,
});
logger.info({ model: runtime.generator.name }, 'Loaded model');
await serve(base, config, app, [{ name: 'runtime', close: () => runtime.close() }]);
