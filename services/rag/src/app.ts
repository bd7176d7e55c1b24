import swagger from '@fastify/swagger';
import { createServiceApp, type ReadinessCheck, type S2SVerifier } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { documentRoutes } from './routes/documents.js';
import { emailRoutes } from './routes/emails.js';
import { searchRoutes } from './routes/search.js';
import type { RagServices } from './services.js';

export interface RagAppOptions {
  logger: Logger;
  s2s: S2SVerifier;
  services: RagServices;
  checks?: Readonly<Record<string, ReadinessCheck>>;
}

/** Documents may be large: the body limit covers a long transcript or a batch of documents. */
const BODY_LIMIT = 32 * 1024 * 1024;

/** The RAG service: every route but the probes needs an S2S token; the tenant comes from it. */
export function build(options: RagAppOptions): FastifyInstance {
  const app = createServiceApp({
    service: 'rag',
    logger: options.logger,
    s2s: options.s2s,
    bodyLimit: BODY_LIMIT,
    ...(options.checks ? { checks: options.checks } : {}),
  });
  void app.register(async (scope) => {
    await scope.register(swagger, {
      openapi: {
        info: { title: 'Nemo RAG service', version: '0.1.0', description: 'Ingestion, search and embeddings.' },
        components: { securitySchemes: { s2s: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ s2s: [] }],
      },
    });
    documentRoutes(scope, options.services);
    searchRoutes(scope, options.services);
    emailRoutes(scope, options.services);
    scope.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());
  });
  return app;
}
