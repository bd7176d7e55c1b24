import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCode, NemoError } from '../errors.js';
import type { S2SClaims, S2SVerifier } from './s2s-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified calling service, set on every internal route. */
    caller: S2SClaims | undefined;
  }
}

export interface S2SAuthOptions {
  verifier: S2SVerifier;
  /** Paths served without a token: probes and metrics by default. */
  publicPaths?: readonly string[];
}

const DEFAULT_PUBLIC = ['/health', '/ready', '/metrics'];

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  return match?.[1];
}

/** Refuses every request without a valid S2S token, except the public paths. */
export const s2sAuthPlugin = fp(
  (app: FastifyInstance, opts: S2SAuthOptions, done: () => void) => {
    const publicPaths = new Set(opts.publicPaths ?? DEFAULT_PUBLIC);
    app.decorateRequest('caller', undefined);
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url;
      if (route === undefined || publicPaths.has(route)) return; // unmatched: the 404 handler answers
      const token = bearerToken(request);
      if (!token) {
        throw new NemoError(
          ErrorCode.AuthRequired,
          'This internal endpoint needs a service token (Authorization: Bearer).',
        );
      }
      request.caller = await opts.verifier.verify(token);
    });
    done();
  },
  { name: 'nemo-s2s-auth', fastify: '5.x' },
);
