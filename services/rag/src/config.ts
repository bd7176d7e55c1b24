import { baseConfigSchema, datastoreConfigSchema } from '@nemo/common';
import { z } from 'zod';

export const ragConfigSchema = baseConfigSchema.extend({
  ...datastoreConfigSchema.shape,
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('rag'),
  NEMO_EMBEDDING_MODEL: z.string().default('all-minilm-l6-v2'),
  NEMO_INDEX_TYPE: z.enum(['flat', 'hnsw']).default('flat'),
  /** HNSW: candidates per query (faiss-node cannot set efSearch; see VectorIndex). */
  NEMO_HNSW_CANDIDATES: z.coerce.number().int().min(1).max(4096).default(128),
  NEMO_MODELS_DIR: z.string().optional(),
  /** The data volume: snapshot and write-ahead log. */
  NEMO_DATA_DIR: z.string().default('/data'),
  /** Local mode: a whole PostgreSQL URL instead of host settings and a password file. */
  NEMO_POSTGRES_URL: z.string().optional(),
  NEMO_LLM_URL: z.url().optional(),
});
export type RagConfig = z.infer<typeof ragConfigSchema>;

export const RAG_DB_KEY = 'rag-db-key';
export const EMAIL_DB_KEY = 'email-db-key';
