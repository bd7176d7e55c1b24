#!/usr/bin/env node
import { loadConfig, S2SSigner, S2SVerifier, serve, startServiceBase } from '@nemo/common';
import { appOptions, build } from './app.js';
import { transcriptionConfigSchema } from './config.js';
import { openTranscription } from './runtime.js';

const config = loadConfig(transcriptionConfigSchema);
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;
const signer = new S2SSigner({ issuer: service, key: keys.primary });
const runtime = await openTranscription({ config, signer, logger, secrets });
const app = build(appOptions(config, runtime, { logger, s2s: new S2SVerifier({ audience: service, keys }) }));
logger.info({ model: config.NEMO_MODEL, ...runtime.asr.info }, 'Loaded model');
await serve(base, config, app, [{ name: 'runtime', close: () => runtime.close() }]);
