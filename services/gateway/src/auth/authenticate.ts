import { bearerToken, ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { looksLikeApiKey } from '../store/api-keys.js';
import type { AccessTokens } from './access-tokens.js';
import type { ApiKeyCache } from './api-key-cache.js';
import type { Principal } from './principal.js';
import './route-policy.js';

export interface AuthenticateOptions {
  tokens: AccessTokens;
  apiKeys: ApiKeyCache;
}

const required = () =>
  new NemoError(ErrorCode.AuthRequired, 'Sign in first: send Authorization: Bearer <access token or API key>.');

/**
 * Sets request.principal on routes that need one, from an access token or,
 * where the route allows it, an API key. Whether the credential was revoked
 * is the gate's question (rate-limit/gate.ts), asked in the same round trip
 * as the rate limit.
 */
export const authenticatePlugin = fp(
  (app: FastifyInstance, opts: AuthenticateOptions, done: () => void) => {
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', (request, _reply, next) => {
      const policy = request.routeOptions.config.auth ?? 'none';
      if (policy === 'none') return next();
      const identified = (principal: Principal) => {
        if (policy === 'admin' && principal.role !== 'admin') {
          return next(new NemoError(ErrorCode.Forbidden, 'Only an admin may do this.'));
        }
        request.principal = principal;
        next();
      };
      // A token verified before is known at once; anything else is checked asynchronously.
      const known = opts.tokens.known(request.headers.authorization);
      if (known) return identified(known);
      identify(request, opts).then(identified, next);
    });
    done();
  },
  { name: 'nemo-gateway-authenticate', fastify: '5.x' },
);

async function identify(request: FastifyRequest, opts: AuthenticateOptions): Promise<Principal> {
  if (request.headers.authorization === undefined) throw required();
  const credential = bearerToken(request);
  if (!credential)
    throw new NemoError(ErrorCode.AuthInvalid, 'The Authorization header is malformed; use Bearer <token>.');
  if (!looksLikeApiKey(credential)) return opts.tokens.verify(credential);
  if (!request.routeOptions.config.apiKeys) {
    throw new NemoError(ErrorCode.AuthInvalid, 'API keys work on the /v1 API only; sign in for this endpoint.');
  }
  const owner = await opts.apiKeys.resolve(credential);
  if (!owner) throw new NemoError(ErrorCode.AuthInvalid, 'The API key is not valid or has been revoked.');
  return { userId: owner.userId, role: owner.role, tenant: owner.tenant, sessionId: undefined, apiKeyId: owner.keyId };
}
