import type { Readable } from 'node:stream';
import { badRequest, ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PEER_SERVICES, type PeerService } from '../config.js';
import { limitStream, tooLarge } from '../proxy/body-limit.js';
import { forwardedRequestHeaders, relay } from '../proxy/relay.js';
import type { ServiceParams } from '../schemas.js';
import type { GatewayServices } from '../services.js';

export const PROXY_BODY_LIMIT = 10 * 1024 * 1024;
const GENERATING: ReadonlySet<PeerService> = new Set(['llm', 'transcription']);
/** `..` in any spelling, and backslashes some servers treat as separators. */
const TRAVERSAL = /(^|\/)(\.|%2e){2}(\/|$)|%2f|%5c|\\/i;

/**
 * `/api/<service>/...` to the internal services, bodies and responses
 * streamed both ways (SSE included) with the user's identity in an S2S token.
 * Registered in its own scope so that bodies are passed on unparsed.
 */
export async function serviceProxyRoutes(app: FastifyInstance, svc: GatewayServices): Promise<void> {
  await app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, next) => next(null, payload));
    scope.all<{ Params: ServiceParams }>(
      '/api/:service/*',
      { config: { auth: 'user' }, schema: { hide: true } },
      async (request, reply) => {
        const service = peerOf(request.params.service);
        const rest = request.params['*'];
        if (TRAVERSAL.test(rest)) throw badRequest('The path may not contain dot segments or encoded separators.');
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        const res = await svc.upstreams.call(request, {
          service,
          method: request.method,
          path: `/${rest}${query}`,
          body: bodyOf(request),
          headers: forwardedRequestHeaders(request.headers),
          timeoutMs: GENERATING.has(service) ? svc.timeouts.generationMs : svc.timeouts.defaultMs,
          client: reply.raw,
        });
        return relay(reply, res);
      },
    );
    done();
  });
}

function peerOf(name: string): PeerService {
  if ((PEER_SERVICES as readonly string[]).includes(name)) return name as PeerService;
  throw new NemoError(ErrorCode.NotFound, 'There is no service by that name.');
}

function bodyOf(request: FastifyRequest): Readable | undefined {
  const body = request.body as Readable | undefined;
  if (!body || request.method === 'GET' || request.method === 'HEAD') return undefined;
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > PROXY_BODY_LIMIT) throw tooLarge();
  return limitStream(body, PROXY_BODY_LIMIT);
}
