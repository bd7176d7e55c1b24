import { baseConfigSchema, datastoreConfigSchema, loadConfig } from '@nemo/common';
import { z } from 'zod';

/** Settings the operator renders for insights (operator/src/render/config.ts), plus local-mode extras. */
export const insightsConfigSchema = baseConfigSchema.extend(datastoreConfigSchema.shape).extend({
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('insights'),
  /** spec.insights.retentionDays: raw events older than this are deleted; rollups stay. */
  NEMO_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  NEMO_RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(1).default(60),
  /** The tenant budgets the gateway enforces (same settings and defaults), shown against usage. */
  NEMO_TENANT_CHAT_TOKENS_PER_DAY: z.coerce.number().int().min(0).default(2_000_000),
  NEMO_TENANT_AUDIO_SECONDS_PER_DAY: z.coerce.number().int().min(0).default(36_000),
  /** Local mode hands Postgres over as a URL; a postgres-url secret file wins when both exist. */
  NEMO_POSTGRES_URL: z.string().optional(),
});
export type InsightsConfig = z.infer<typeof insightsConfigSchema>;

export function loadInsightsConfig(env: NodeJS.ProcessEnv = process.env): InsightsConfig {
  return loadConfig(insightsConfigSchema, env);
}
