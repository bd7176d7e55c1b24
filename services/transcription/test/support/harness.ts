import { generateKeyPairSync } from 'node:crypto';
import {
  createLogger,
  createPgPool,
  GpuLeaseClient,
  keyFromPem,
  loadConfig,
  S2SSigner,
  S2SVerifier,
  type S2SKey,
} from '@nemo/common';
import { migrate as migrateCoordinator } from '@nemo/coordinator';
import { startCoordinator as startTestCoordinator, testSettings } from '@nemo/coordinator/testing';
import { build as buildEmotion, EmotionClassifier, InferenceEmotionModel } from '@nemo/emotion';
import { InferenceEmbedder, startRag as startTestRag } from '@nemo/rag/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { appOptions, build } from '../../src/app.js';
import { transcriptionConfigSchema } from '../../src/config.js';
import { loadModels, openTranscription, type Models, type TranscriptionRuntime } from '../../src/runtime.js';

/** Test wiring: one throwaway S2S key for every service, each checking its own audience. */
const { privateKey } = generateKeyPairSync('ed25519');
export const s2sKey: S2SKey = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
export const gatewaySigner = new S2SSigner({ issuer: 'gateway', key: s2sKey });
const transcriptionSigner = new S2SSigner({ issuer: 'transcription', key: s2sKey });
const verifier = (audience: string) => new S2SVerifier({ audience, keys: { primary: s2sKey, previous: undefined } });
export const silent = createLogger({ service: 'transcription', level: 'silent' });

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** The real coordinator app: one GPU slot, no queue, 1 s leases, taking this file's S2S key. */
export async function startCoordinator(redisUrl: string, pool: pg.Pool): Promise<Served & { holder: GpuLeaseClient }> {
  await migrateCoordinator(pool);
  const settings = testSettings({ maxQueue: 0, longPollMs: 2_000 });
  const c = await startTestCoordinator({ redisUrl, pool, key: s2sKey, listen: true, settings });
  const holder = new GpuLeaseClient({
    baseUrl: c.url!,
    signer: new S2SSigner({ issuer: 'llm', key: s2sKey }),
    holder: 'test',
  });
  return { url: c.url!, holder, close: () => c.close() };
}

/** The real emotion service (MiniLM prototypes) on a loopback port. */
export async function startEmotion(port = 0): Promise<Served & { calls: () => number }> {
  const model = await InferenceEmotionModel.start();
  const app = buildEmotion({
    logger: silent,
    s2s: verifier('emotion'),
    services: { classifier: new EmotionClassifier(model), events: undefined },
  });
  let calls = 0;
  app.addHook('onRequest', (_req, _reply, done) => {
    calls++;
    done();
  });
  const url = await app.listen({ host: '127.0.0.1', port });
  return { url, calls: () => calls, close: async () => (await app.close(), await model.close()) };
}

/** The real rag service (MiniLM embeddings, FAISS) on a loopback port. */
export async function startRag(postgresUrl: string): Promise<Served & { app: FastifyInstance }> {
  const embedder = await InferenceEmbedder.start('all-minilm-l6-v2');
  const rag = await startTestRag({
    embedder,
    env: { NEMO_POSTGRES_URL: postgresUrl },
    outbound: new S2SSigner({ issuer: 'rag', key: s2sKey }),
    key: s2sKey,
    listen: true,
  });
  return { url: rag.url!, app: rag.app, close: async () => (await rag.close(), await embedder.close()) };
}

export interface Transcription extends Served {
  runtime: TranscriptionRuntime;
  app: FastifyInstance;
  /** A gateway token for this user (subject and tenant). */
  token(user?: string, tenant?: string): Promise<string>;
}

export const sharedModels = (): Promise<Models> => loadModels(loadConfig(transcriptionConfigSchema, {}), silent);

/** The transcription service on a loopback port; `models` are shared between instances and not closed. */
export async function startTranscription(env: Record<string, string>, models: Models): Promise<Transcription> {
  const config = loadConfig(transcriptionConfigSchema, { NEMO_LOG_LEVEL: 'silent', ...env });
  const runtime = await openTranscription({ config, signer: transcriptionSigner, logger: silent, models });
  const app = build(appOptions(config, runtime, { logger: silent, s2s: verifier('transcription') }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    runtime,
    app,
    token: (user = 'alice', tenant = 'acme') => gatewaySigner.token('transcription', user, tenant),
    close: async () => (await app.close(), await runtime.close()),
  };
}

export const pgPool = (url: string): pg.Pool => createPgPool(url);
export const closedPortUrl = 'http://127.0.0.1:9';
