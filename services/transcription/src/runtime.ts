import { hostname } from 'node:os';
import {
  openInsightsEvents,
  openGpuLeases,
  pgCheck,
  openOptionalPostgres,
  ServiceClient,
  type Logger,
  type ReadinessCheck,
  type S2SSigner,
  type SecretStore,
} from '@nemo/common';
import { SileroVad, SpeechRecognizer } from '@nemo/inference';
import type { TranscriptionConfig } from './config.js';
import { Enricher } from './enrichment.js';
import { DEFAULT_LIVE_SETTINGS, type LiveDeps } from './live.js';
import { migrate } from './migrate.js';
import { TranscriptionService } from './service.js';
import { TranscriptStore } from './store.js';

export interface TranscriptionRuntime {
  service: TranscriptionService;
  live: LiveDeps;
  asr: SpeechRecognizer;
  checks: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export interface Models {
  asr: SpeechRecognizer;
  vad: SileroVad;
}

export interface RuntimeOptions {
  config: TranscriptionConfig;
  signer: S2SSigner;
  logger: Logger;
  secrets?: SecretStore;
  /** Share loaded models between runtimes (tests); they are not closed with the runtime. */
  models?: Models;
}

/** The ASR worker (checksum-verified model, warmed up) and Silero VAD, from the config. */
export async function loadModels(config: TranscriptionConfig, logger: Logger): Promise<Models> {
  const dir = config.NEMO_MODELS_DIR ? { dir: config.NEMO_MODELS_DIR } : {};
  const [asr, vad] = await Promise.all([
    SpeechRecognizer.start(config.NEMO_MODEL, {
      ...dir,
      logger,
      maxQueue: config.NEMO_TRANSCRIPTION_MAX_QUEUE + config.NEMO_MAX_STREAMS * 2 + 2,
      ...(config.NEMO_ASR_PYTHON ? { python: config.NEMO_ASR_PYTHON } : {}),
      ...(config.NEMO_ASR_THREADS ? { threads: config.NEMO_ASR_THREADS } : {}),
    }),
    SileroVad.load(undefined, dir),
  ]);
  return { asr, vad };
}

function peer(url: string | undefined, enabled: boolean, audience: string, signer: S2SSigner) {
  return url && enabled
    ? new ServiceClient({ baseUrl: url, audience, signer, timeoutMs: 30_000, retries: 0 })
    : undefined;
}

/** Everything the service runs on, from its config: models, store, peers, jobs and live sessions. */
export async function openTranscription(options: RuntimeOptions): Promise<TranscriptionRuntime> {
  const { config, signer, logger } = options;
  const models = options.models ?? (await loadModels(config, logger));
  const pool = await openOptionalPostgres(config, options.secrets, migrate);
  const store = pool ? new TranscriptStore(pool) : undefined;
  if (!store) logger.warn('No PostgreSQL configured; transcripts live in memory only');
  const leases = openGpuLeases({
    url: config.NEMO_COORDINATOR_URL,
    signer,
    holder: config.NEMO_POD_NAME ?? hostname(),
    logger,
  });
  const emotion = peer(config.NEMO_EMOTION_URL, config.NEMO_EMOTION, 'emotion', signer);
  const rag = peer(config.NEMO_RAG_URL, config.NEMO_RAG_INDEXING, 'rag', signer);
  const enricher = new Enricher({ emotion, rag, store, logger, retryMs: config.NEMO_ENRICHMENT_RETRY_MS });
  const settings = {
    model: config.NEMO_MODEL,
    diarization: config.NEMO_DIARIZATION,
    maxSpeakers: config.NEMO_MAX_SPEAKERS,
    maxQueue: config.NEMO_TRANSCRIPTION_MAX_QUEUE,
    leaseDeadlineMs: config.NEMO_ASR_LEASE_DEADLINE_MS,
    msPerAudioSecond: config.NEMO_ASR_MS_PER_AUDIO_SECOND,
  };
  const insights = openInsightsEvents({ url: config.NEMO_INSIGHTS_URL, signer, logger });
  const service = new TranscriptionService({ ...models, store, enricher, leases, insights, logger, settings });
  const live: LiveDeps = {
    ...models,
    leases,
    emotion,
    service,
    initialEnrichment: () => enricher.initial(),
    logger,
    settings: { ...settings, ...DEFAULT_LIVE_SETTINGS, leaseDeadlineMs: config.NEMO_STREAM_LEASE_DEADLINE_MS },
  };
  void enricher.resume().catch((err: unknown) => logger.error({ err }, 'Pending enrichments not resumed'));
  return {
    service,
    live,
    asr: models.asr,
    checks: {
      ...(pool ? { postgres: pgCheck(pool) } : {}),
      asr: () => (models.asr.info ? Promise.resolve() : Promise.reject(new Error('The ASR worker is restarting'))),
    },
    close: async () => {
      await service.drain(10_000);
      enricher.close();
      await insights?.close();
      await pool?.end();
      if (!options.models) await Promise.all([models.asr.close(), models.vad.dispose()]);
    },
  };
}
