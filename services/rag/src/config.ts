import { baseConfigSchema, datastoreConfigSchema } from '@nemo/common';
import { z } from 'zod';
import { DEFAULT_HNSW } from './index/hnsw-parameters.js';

export const ragConfigSchema = baseConfigSchema.extend({
  ...datastoreConfigSchema.shape,
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('rag'),
  NEMO_EMBEDDING_MODEL: z.string().default('all-minilm-l6-v2'),
  NEMO_INDEX_TYPE: z.enum(['flat', 'hnsw']).default('flat'),
  /** HNSW: candidates explored per query; recall for speed (see services/rag/bench). */
  NEMO_HNSW_EF_SEARCH: z.coerce.number().int().min(1).max(4096).default(DEFAULT_HNSW.efSearch),
  /** HNSW: candidates kept while inserting; a better graph for a slower build. */
  NEMO_HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(1).max(1024).default(DEFAULT_HNSW.efConstruction),
  NEMO_MODELS_DIR: z.string().optional(),
  /** The data volume: snapshot and write-ahead log. */
  NEMO_DATA_DIR: z.string().default('/data'),
  /** Local mode: a whole PostgreSQL URL instead of host settings and a password file. */
  NEMO_POSTGRES_URL: z.string().optional(),
  NEMO_LLM_URL: z.url().optional(),
  /** The insights service: one `rag.query` event per search. Unset: no events. */
  NEMO_INSIGHTS_URL: z.url().optional(),
});
export type RagConfig = z.infer<typeof ragConfigSchema>;

export const RAG_DB_KEY = 'rag-db-key';
export const EMAIL_DB_KEY = 'email-db-key';
