import { notFound } from '@nemo/common';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiKey, errorResponses, IdParams, NewApiKey, NewApiKeyBody } from '../schemas.js';
import type { GatewayServices } from '../services.js';

const tags = ['api-keys'];
const security = [{ bearer: [] }];

/** Each user's API keys: shown once at creation, stored hashed, revocable. */
export function apiKeyRoutes(app: FastifyInstance, svc: GatewayServices): void {
  app.post<{ Body: NewApiKeyBody }>(
    '/auth/api-keys',
    {
      bodyLimit: 4096,
      config: { auth: 'user' },
      schema: {
        tags,
        security,
        summary: 'Create an API key (the key is in this response only)',
        body: NewApiKeyBody,
        response: { 201: NewApiKey, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const created = await svc.apiKeys.create(request.principal?.userId ?? '', request.body.name);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/auth/api-keys',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        security,
        summary: 'List your API keys',
        response: { 200: Type.Array(ApiKey), ...errorResponses(401, 429, 503) },
      },
    },
    (request) => svc.apiKeys.list(request.principal?.userId ?? ''),
  );

  app.delete<{ Params: IdParams }>(
    '/auth/api-keys/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const revoked = await svc.apiKeys.revoke(request.principal?.userId ?? '', request.params.id);
      if (!revoked) throw notFound('The API key');
      await svc.revocations.revokeApiKey(request.params.id);
      svc.apiKeyCache.forget(request.params.id);
      return reply.code(204).send();
    },
  );
}
