import { baseConfigSchema, datastoreConfigSchema } from '@nemo/common';
import { DEFAULT_ASR_MODEL } from '@nemo/inference';
import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Settings the operator renders for transcription (operator/src/render/config.ts), plus local-mode extras. */
export const transcriptionConfigSchema = baseConfigSchema.extend({
  ...datastoreConfigSchema.shape,
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('transcription'),
  /** A catalog ASR model (models/catalog.yaml). */
  NEMO_MODEL: z.string().default(DEFAULT_ASR_MODEL),
  NEMO_MODELS_DIR: z.string().optional(),
  /** The ASR runtime's python (hack/asr-env.sh prints it); found by that script when absent. */
  NEMO_ASR_PYTHON: z.string().optional(),
  /** Usage (audio seconds) and transcript text for insights; none when unset. */
  NEMO_INSIGHTS_URL: z.url().optional(),
  NEMO_ASR_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Diarize by default (a request's `diarization` overrides it). */
  NEMO_DIARIZATION: flag.default(true),
  NEMO_MAX_SPEAKERS: z.coerce.number().int().min(1).max(32).default(8),
  /** Send final segments to emotion, finished transcripts to rag (when their URLs are set). */
  NEMO_EMOTION: flag.default(true),
  NEMO_RAG_INDEXING: flag.default(true),
  NEMO_EMOTION_URL: z.url().optional(),
  NEMO_RAG_URL: z.url().optional(),
  NEMO_COORDINATOR_URL: z.url().optional(),
  NEMO_GPU_SHARING: z.enum(['exclusive', 'timeSliced']).default('exclusive'),
  /** Largest audio upload, in bytes (a WAV of 16 kHz 16-bit mono is 32 kB a second). */
  NEMO_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024 * 1024),
  /** Longest audio accepted, in seconds. */
  NEMO_MAX_AUDIO_SECONDS: z.coerce
    .number()
    .positive()
    .default(4 * 3600),
  /** File jobs waiting for the recognizer beyond the one running; more are refused with 503. */
  NEMO_TRANSCRIPTION_MAX_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  NEMO_MAX_STREAMS: z.coerce.number().int().min(0).max(1_000).default(8),
  /** Longest a file job waits for a batch GPU lease; a stream decode waits NEMO_STREAM_LEASE_DEADLINE_MS. */
  NEMO_ASR_LEASE_DEADLINE_MS: z.coerce.number().int().min(1).default(30_000),
  NEMO_STREAM_LEASE_DEADLINE_MS: z.coerce.number().int().min(1).default(5_000),
  /** Expected decode time per second of audio, for the coordinator's estimates. */
  NEMO_ASR_MS_PER_AUDIO_SECOND: z.coerce.number().positive().default(150),
  /** First retry of a failed enrichment (emotion, rag); doubles each time up to an hour. */
  NEMO_ENRICHMENT_RETRY_MS: z.coerce.number().int().min(10).default(30_000),
  NEMO_POD_NAME: z.string().optional(),
  /** Local mode: a whole PostgreSQL URL. Without any PostgreSQL, transcripts live in memory only. */
  NEMO_POSTGRES_URL: z.string().optional(),
});
export type TranscriptionConfig = z.infer<typeof transcriptionConfigSchema>;
