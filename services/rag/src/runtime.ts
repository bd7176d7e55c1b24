import path from 'node:path';
import {
  openInsightsEvents,
  openOptionalPostgres,
  type ReadinessCheck,
  pgCheck,
  type SecretStore,
  ServiceClient,
  type S2SSigner,
} from '@nemo/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RagConfig } from './config.js';
import { EMAIL_DB_KEY, RAG_DB_KEY } from './config.js';
import { loadKeyRing } from './crypto/sealed-box.js';
import type { Embedder } from './embedder.js';
import { EmailService } from './email/email-service.js';
import { EmailStore } from './email/email-store.js';
import { IngestionJobs } from './ingest/ingestion-jobs.js';
import { Ingestor } from './ingest/ingestor.js';
import { migrate } from './migrate.js';
import { SearchEngine } from './search/search-engine.js';
import type { RagServices } from './services.js';
import { DocumentStore } from './storage/document-store.js';
import { reencryptInBackground } from './storage/key-rotation.js';

export interface RagRuntime {
  services: RagServices;
  checks: Record<string, ReadinessCheck>;
  /** Re-encryption under a rotated key, running in the background. */
  rotation: Promise<void>;
  close(): Promise<void>;
}

export interface OpenRagOptions {
  config: RagConfig;
  secrets: SecretStore;
  logger: Logger;
  embedder: Embedder;
  signer?: S2SSigner;
}

async function openEmails(options: OpenRagOptions, ingestor: Ingestor, store: DocumentStore) {
  const pool = await openOptionalPostgres(options.config, options.secrets, migrate);
  if (!pool) return undefined;
  const { config, signer } = options;
  const llm =
    config.NEMO_LLM_URL && signer
      ? // A summary is a generation (up to 160 tokens): on CPU that outlasts the default 10 s.
        new ServiceClient({ baseUrl: config.NEMO_LLM_URL, audience: 'llm', signer, timeoutMs: 120_000 })
      : undefined;
  const emailStore = new EmailStore(pool, loadKeyRing(options.secrets, EMAIL_DB_KEY));
  return { pool, emailStore, service: new EmailService(emailStore, ingestor, store, llm) };
}

/** Opens the store (replaying its log), builds the indexes, and connects the email store. */
export async function openRag(options: OpenRagOptions): Promise<RagRuntime> {
  const { config, logger, embedder } = options;
  const store = await DocumentStore.open({
    dir: path.join(config.NEMO_DATA_DIR, 'rag'),
    keys: loadKeyRing(options.secrets, RAG_DB_KEY),
    logger,
  });
  const engine = new SearchEngine({
    dimension: embedder.dimension,
    type: config.NEMO_INDEX_TYPE,
    hnsw: { efSearch: config.NEMO_HNSW_EF_SEARCH, efConstruction: config.NEMO_HNSW_EF_CONSTRUCTION },
  });
  store.subscribe(engine);
  const ingestor = new Ingestor(store, embedder);
  const jobs = new IngestionJobs(ingestor, logger);
  const emails = await openEmails(options, ingestor, store);
  const rotation = reencryptInBackground(store, emails?.emailStore, logger).catch((err: unknown) =>
    logger.error({ err }, 'Failed to re-encrypt under the primary key'),
  );
  const pool: pg.Pool | undefined = emails?.pool;
  const { signer } = options;
  const events = signer ? openInsightsEvents({ url: config.NEMO_INSIGHTS_URL, signer, logger }) : undefined;
  return {
    services: {
      store,
      engine,
      embedder,
      ingestor,
      jobs,
      emails: emails?.service,
      events,
    },
    checks: pool ? { postgres: pgCheck(pool) } : {},
    rotation,
    async close() {
      await jobs.drain();
      await rotation;
      await store.close();
      await pool?.end();
      await events?.close();
    },
  };
}
