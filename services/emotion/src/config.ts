import { baseConfigSchema } from '@nemo/common';
import { z } from 'zod';

/**
 * The emotion service keeps no state of its own: its results go back to the
 * caller and, for transcript segments, to insights as `emotion.segment` events.
 */
export const emotionConfigSchema = baseConfigSchema.extend({
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('emotion'),
  NEMO_MODELS_DIR: z.string().optional(),
  /** The insights service: one `emotion.segment` event per recorded segment. Unset: no events. */
  NEMO_INSIGHTS_URL: z.url().optional(),
});
export type EmotionConfig = z.infer<typeof emotionConfigSchema>;
