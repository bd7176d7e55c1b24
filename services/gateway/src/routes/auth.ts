import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, LoginBody, RefreshBody, TokenPair, User } from '../schemas.js';
import type { GatewayServices } from '../services.js';
import { notFound } from '@nemo/common';

const tags = ['auth'];

/** Sign-in, refresh, sign-out and the current user. */
export function authRoutes(app: FastifyInstance, svc: GatewayServices): void {
  app.post<{ Body: LoginBody }>(
    '/auth/login',
    {
      bodyLimit: 4096,
      schema: {
        tags,
        summary: 'Sign in with username and password',
        body: LoginBody,
        response: { 200: TokenPair, ...errorResponses(400, 401, 413, 429, 503) },
      },
    },
    (request) => svc.sessions.login(request.body.username, request.body.password),
  );

  app.post<{ Body: RefreshBody }>(
    '/auth/refresh',
    {
      bodyLimit: 4096,
      schema: {
        tags,
        summary: 'Trade a refresh token for new tokens (the old one is spent)',
        body: RefreshBody,
        response: { 200: TokenPair, ...errorResponses(400, 401, 429, 503) },
      },
    },
    (request) => svc.sessions.refresh(request.body.refreshToken),
  );

  app.post(
    '/auth/logout',
    {
      bodyLimit: 4096,
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'End the current session',
        security: [{ bearer: [] }],
        // No body schema: an empty body is the usual case, and fastify would refuse it.
        response: { 204: Type.Null(), ...errorResponses(401, 429, 503) },
      },
    },
    async (request, reply) => {
      await svc.sessions.logout(request.principal, refreshTokenIn(request.body));
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'The signed-in user',
        security: [{ bearer: [] }],
        response: { 200: User, ...errorResponses(401, 429, 503) },
      },
    },
    async (request) => {
      const user = await svc.users.get(request.principal?.userId ?? '');
      if (!user) throw notFound('The user');
      return user;
    },
  );
}

/** The optional refresh token of a sign-out, so that it is revoked even without an access token's session id. */
function refreshTokenIn(body: unknown): string | undefined {
  const token = (body as { refreshToken?: unknown } | null | undefined)?.refreshToken;
  return typeof token === 'string' && token.length <= 256 ? token : undefined;
}
