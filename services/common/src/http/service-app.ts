import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { s2sAuthPlugin } from '../auth/s2s-plugin.js';
import type { S2SVerifier } from '../auth/s2s-token.js';
import { errorHandlerPlugin } from './error-handler.js';
import { lazyRequestLogger } from './request-logger.js';
import { tracingPlugin } from './tracing.js';
import { observabilityPlugin, type ReadinessCheck } from './observability.js';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Dependency checks for /ready. */
  checks?: Readonly<Record<string, ReadinessCheck>>;
  checkTimeoutMs?: number;
  /** When set, every route but the probes needs a valid S2S token. */
  s2s?: S2SVerifier;
  bodyLimit?: number;
  registry?: Registry;
  /** For public services: whom to trust for X-Forwarded-For, and how fastify logs each request. */
  server?: Pick<FastifyServerOptions, 'trustProxy' | 'logController'>;
}

/** A request id we accept from a caller: short and harmless in logs and headers. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * The base every service builds on: request ids, the error shape, probes,
 * metrics and (for internal services) S2S auth. Routes are added by the caller.
 */
export function createServiceApp(options: ServiceAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    ...options.server,
  }) as unknown as FastifyInstance;
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // Responses finished after close() began say Connection: close, so keep-alive
  // clients let go and the server can drain without waiting out idle sockets.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  void app.register(tracingPlugin);
  void app.register(errorHandlerPlugin);
  void app.register(observabilityPlugin, {
    service: options.service,
    ...(options.checks ? { checks: options.checks } : {}),
    ...(options.checkTimeoutMs ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  if (options.s2s) void app.register(s2sAuthPlugin, { verifier: options.s2s });
  return app;
}
