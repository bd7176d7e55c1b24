import { baseConfigSchema, datastoreConfigSchema } from '@nemo/common';
import { z } from 'zod';

export const emotionConfigSchema = baseConfigSchema.extend({
  ...datastoreConfigSchema.shape,
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('emotion'),
  NEMO_MODELS_DIR: z.string().optional(),
  /** Local mode: a whole PostgreSQL URL. Without any PostgreSQL, events are not recorded. */
  NEMO_POSTGRES_URL: z.string().optional(),
});
export type EmotionConfig = z.infer<typeof emotionConfigSchema>;
