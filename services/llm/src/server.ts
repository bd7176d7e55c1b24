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
import { llmConfigSchema } from './config.js';
import { openLlm } from './runtime.js';

const config = loadConfig(llmConfigSchema);
const logger = createLogger({ service: config.NEMO_SERVICE_NAME, level: config.NEMO_LOG_LEVEL });
const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
const keys = await loadS2SKeyRing(secrets);
const signer = new S2SSigner({ issuer: config.NEMO_SERVICE_NAME, key: keys.primary });
const runtime = await openLlm({ config, signer, logger, secrets });
const app = build({
  logger,
  s2s: new S2SVerifier({ audience: config.NEMO_SERVICE_NAME, keys }),
  chat: runtime.chat,
  conversations: runtime.conversations,
  checks: runtime.checks,
});
await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
logger.info({ model: runtime.generator.name, port: config.NEMO_PORT }, 'Started llm service');
onShutdownSignals({
  logger,
  timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'runtime', close: () => runtime.close() },
  ],
});
