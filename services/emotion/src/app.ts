import swagger from '@fastify/swagger';
import { createServiceApp, type ReadinessCheck, type S2SVerifier } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { classifyRoutes, type EmotionServices } from './routes/classify.js';

export interface EmotionAppOptions {
  logger: Logger;
  s2s: S2SVerifier;
  services: EmotionServices;
  checks?: Readonly<Record<string, ReadinessCheck>>;
}

/** The emotion service: S2S on every route but the probes, metrics at /metrics. */
export function build(options: EmotionAppOptions): FastifyInstance {
  const app = createServiceApp({
    service: 'emotion',
    logger: options.logger,
    s2s: options.s2s,
    bodyLimit: 4 * 1024 * 1024,
    ...(options.checks ? { checks: options.checks } : {}),
  });
  void app.register(async (scope) => {
    await scope.register(swagger, {
      openapi: {
        info: {
          title: 'Nemo emotion service',
          version: '0.1.0',
          description: 'Emotion labels for texts and transcripts.',
        },
        components: { securitySchemes: { s2s: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ s2s: [] }],
      },
    });
    classifyRoutes(scope, options.services);
    scope.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());
  });
  return app;
}
