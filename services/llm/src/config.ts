import { baseConfigSchema, datastoreConfigSchema } from '@nemo/common';
import { DEFAULT_CHAT_MODEL } from '@nemo/inference';
import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const llmConfigSchema = baseConfigSchema.extend({
  ...datastoreConfigSchema.shape,
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('llm'),
  /** A catalog model name (models/catalog.yaml). */
  NEMO_MODEL: z.string().default(DEFAULT_CHAT_MODEL),
  NEMO_MODELS_DIR: z.string().optional(),
  /** Ground answers by default (a request's `rag` field overrides it). */
  NEMO_RAG_ENABLED: flag.default(false),
  NEMO_RAG_TOP_K: z.coerce.number().int().min(1).max(50).default(4),
  /** Most prompt tokens the passages may take. */
  NEMO_RAG_TOKEN_BUDGET: z.coerce.number().int().min(16).default(384),
  /** rag unreachable: answer ungrounded with a warning, or fail with 503. */
  NEMO_RAG_FAILURE: z.enum(['ungrounded', 'error']).default('ungrounded'),
  NEMO_RAG_URL: z.url().optional(),
  NEMO_COORDINATOR_URL: z.url().optional(),
  NEMO_INSIGHTS_URL: z.url().optional(),
  /** exclusive: one generation at a time per replica by default; timeSliced: two. */
  NEMO_GPU_SHARING: z.enum(['exclusive', 'timeSliced']).default('exclusive'),
  NEMO_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  NEMO_LLM_MAX_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  NEMO_LLM_DEFAULT_MAX_TOKENS: z.coerce.number().int().min(1).default(256),
  NEMO_LLM_MS_PER_TOKEN: z.coerce.number().positive().default(25),
  NEMO_LLM_LEASE_DEADLINE_MS: z.coerce.number().int().min(1).default(15_000),
  /** Who holds the leases in the coordinator's ledger (the pod name in a cluster). */
  NEMO_POD_NAME: z.string().optional(),
  /** Local mode: a whole PostgreSQL URL. Without any PostgreSQL, conversations are not stored. */
  NEMO_POSTGRES_URL: z.string().optional(),
});
export type LlmConfig = z.infer<typeof llmConfigSchema>;

export function concurrencyOf(config: LlmConfig): number {
  return config.NEMO_LLM_CONCURRENCY ?? (config.NEMO_GPU_SHARING === 'timeSliced' ? 2 : 1);
}
