import { generateKeyPairSync } from 'node:crypto';
import {
  closeHttp,
  createLogger,
  createPgPool,
  GpuLeaseClient,
  keyFromPem,
  type InsightsEventsClient,
  loadConfig,
  S2SSigner,
  S2SVerifier,
} from '@nemo/common';
import { migrate as migrateCoordinator } from '@nemo/coordinator';
import { startCoordinator as startTestCoordinator, testSettings } from '@nemo/coordinator/testing';
import { InferenceEmbedder, startRag as startTestRag } from '@nemo/rag/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { build } from '../../src/app.js';
import { llmConfigSchema } from '../../src/config.js';
import type { Generator } from '../../src/generator.js';
import { openLlm, type LlmRuntime } from '../../src/runtime.js';

/** Test wiring: one throwaway S2S key for every service, each checking its own audience. */
const { privateKey } = generateKeyPairSync('ed25519');
export const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
export const gatewaySigner = new S2SSigner({ issuer: 'gateway', key });
export const llmSigner = new S2SSigner({ issuer: 'llm', key });
export const ragSigner = new S2SSigner({ issuer: 'rag', key });
const verifier = (audience: string) => new S2SVerifier({ audience, keys: { primary: key, previous: undefined } });
export const silent = createLogger({ service: 'llm', level: 'silent' });

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** The real coordinator app on a loopback port: one GPU slot, no queue, short leases. */
/** The real coordinator (one slot, no queue) on a loopback port, taking this file's S2S key. */
export async function startCoordinator(
  redisUrl: string,
  pool: pg.Pool,
  events?: InsightsEventsClient,
): Promise<Served & { holder: GpuLeaseClient }> {
  await migrateCoordinator(pool);
  const settings = testSettings({ maxQueue: 0, longPollMs: 2_000 });
  const c = await startTestCoordinator({ redisUrl, pool, key, listen: true, settings, ...(events ? { events } : {}) });
  const holder = new GpuLeaseClient({ baseUrl: c.url!, signer: llmSigner, holder: 'test-holder' });
  return { url: c.url!, holder, close: () => c.close() };
}

/** The real rag service (real MiniLM embeddings) on a loopback port, calling `llmUrl` for summaries. */
export async function startRag(postgresUrl: string, llmUrl: string): Promise<Served & { app: FastifyInstance }> {
  const embedder = await InferenceEmbedder.start('all-minilm-l6-v2');
  const rag = await startTestRag({
    embedder,
    env: { NEMO_POSTGRES_URL: postgresUrl, NEMO_LLM_URL: llmUrl },
    outbound: ragSigner,
    key,
    listen: true,
  });
  return { url: rag.url!, app: rag.app, close: async () => (await rag.close(), await embedder.close()) };
}

export interface Llm extends Served {
  runtime: LlmRuntime;
  app: FastifyInstance;
  /** A gateway token for this user (subject and tenant). */
  token(user?: string, tenant?: string): Promise<string>;
}

/** The llm service on a loopback port; pass `generator` to share one loaded model between instances. */
export async function startLlm(env: Record<string, string>, generator?: Generator, port = 0): Promise<Llm> {
  const config = loadConfig(llmConfigSchema, { NEMO_LOG_LEVEL: 'silent', ...env });
  const runtime = await openLlm({ config, signer: llmSigner, logger: silent, ...(generator ? { generator } : {}) });
  const app = build({
    logger: silent,
    s2s: verifier('llm'),
    chat: runtime.chat,
    conversations: runtime.conversations,
    checks: runtime.checks,
  });
  const url = await app.listen({ host: '127.0.0.1', port });
  return {
    url,
    runtime,
    app,
    token: (user = 'alice', tenant = 'acme') => gatewaySigner.token('llm', user, tenant),
    // As in production: a connection an aborted fetch left open is cut after the grace.
    close: async () => (await closeHttp(app, 1_000, silent), await runtime.close()),
  };
}

export const closedPortUrl = 'http://127.0.0.1:9';

export const pgPool = (url: string): pg.Pool => createPgPool(url);
