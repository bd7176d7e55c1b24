import swagger from '@fastify/swagger';
import { createServiceApp, type Logger, type ReadinessCheck, type S2SVerifier } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { TranscriptionConfig } from './config.js';
import type { LiveDeps } from './live.js';
import { liveRoutes } from './routes/live.js';
import { openAiRoutes } from './routes/openai.js';
import { transcriptionRoutes, type UploadLimits } from './routes/transcriptions.js';
import type { TranscriptionRuntime } from './runtime.js';
import type { TranscriptionService } from './service.js';

export interface TranscriptionAppOptions {
  logger: Logger;
  s2s: S2SVerifier;
  service: TranscriptionService;
  live: LiveDeps;
  limits: UploadLimits;
  maxStreams: number;
  /** Diarize live streams unless the client says otherwise. */
  diarization: boolean;
  checks?: Readonly<Record<string, ReadinessCheck>>;
}

/** The app's options from the service's config and runtime: one mapping, for server.ts and the test harness alike. */
export function appOptions(
  config: TranscriptionConfig,
  runtime: TranscriptionRuntime,
  wiring: Pick<TranscriptionAppOptions, 'logger' | 's2s'>,
): TranscriptionAppOptions {
  return {
    ...wiring,
    service: runtime.service,
    live: runtime.live,
    limits: { maxBytes: config.NEMO_MAX_UPLOAD_BYTES, maxSeconds: config.NEMO_MAX_AUDIO_SECONDS },
    maxStreams: config.NEMO_MAX_STREAMS,
    diarization: config.NEMO_DIARIZATION,
    checks: runtime.checks,
  };
}

/** The transcription service: every route but the probes (and the WebSocket upgrade) needs an S2S token naming a user. */
export function build(options: TranscriptionAppOptions): FastifyInstance {
  const app = createServiceApp({
    service: 'transcription',
    logger: options.logger,
    s2s: options.s2s,
    bodyLimit: options.limits.maxBytes,
    ...(options.checks ? { checks: options.checks } : {}),
  });
  void app.register(async (scope) => {
    await scope.register(swagger, {
      openapi: {
        info: {
          title: 'Nemo transcription service',
          version: '0.1.0',
          description:
            'File transcription jobs, live streams over WebSocket (/v1/live), exports, OpenAI-compatible transcriptions.',
        },
        components: { securitySchemes: { s2s: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ s2s: [] }],
      },
    });
    transcriptionRoutes(scope, options.service, options.limits);
    await openAiRoutes(scope, options.service, options.limits);
    scope.get('/v1/models', { schema: { tags: ['models'], summary: 'The model this replica serves' } }, () => ({
      object: 'list',
      data: [{ id: options.service.model, object: 'model', created: 0, owned_by: 'nemo' }],
    }));
    scope.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());
  });
  liveRoutes(app, {
    deps: options.live,
    s2s: options.s2s,
    maxStreams: options.maxStreams,
    diarization: options.diarization,
    logger: options.logger,
  });
  return app;
}
