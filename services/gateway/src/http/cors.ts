import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) allowed to call from a browser. */
  origins: readonly string[];
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, last-event-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset';

const foreign = () => new NemoError(ErrorCode.Forbidden, 'Requests from this origin are not allowed.');

/**
 * A strict allow-list. A request whose Origin is neither listed nor the
 * gateway's own is refused outright (403), which also stops cross-site
 * request forgery; listed origins get exact-match CORS headers, never `*`.
 */
export const corsPlugin = fp(
  (app: FastifyInstance, opts: CorsOptions, done: () => void) => {
    const allowed = new Set(opts.origins);
    app.addHook('onRequest', (request, reply, next) => {
      const origin = request.headers.origin;
      if (origin === undefined || isSameOrigin(request, origin)) return next();
      if (!allowed.has(origin)) return next(foreign());
      void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      if (isPreflight(request)) return void preflight(reply);
      next();
    });
    done();
  },
  { name: 'nemo-gateway-cors', fastify: '5.x' },
);

function isSameOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

const isPreflight = (request: FastifyRequest) =>
  request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;

function preflight(reply: FastifyReply): FastifyReply {
  return reply
    .code(204)
    .header('access-control-allow-methods', ALLOWED_METHODS)
    .header('access-control-allow-headers', ALLOWED_HEADERS)
    .header('access-control-max-age', '600')
    .send();
}
