import { ErrorCode, NemoError, notFound, PLATFORM_TENANT } from '@nemo/common';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, IdParams, NewUserBody, Page, User, UserPatch } from '../schemas.js';
import type { GatewayServices } from '../services.js';

const tags = ['admin'];
const security = [{ bearer: [] }];

/** Admin-only user management: create, list, disable and enable. */
export function adminUserRoutes(app: FastifyInstance, svc: GatewayServices): void {
  app.post<{ Body: NewUserBody }>(
    '/admin/users',
    {
      bodyLimit: 8192,
      config: { auth: 'admin' },
      schema: {
        tags,
        security,
        summary: 'Create a user',
        body: NewUserBody,
        response: { 201: User, ...errorResponses(400, 401, 403, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      // Insights files work done for no user under this tenant; a user tenant of that name would see it.
      if (request.body.tenant === PLATFORM_TENANT) {
        throw new NemoError(
          ErrorCode.Validation,
          `The tenant name "${PLATFORM_TENANT}" is reserved for the platform's own work; choose another tenant name.`,
        );
      }
      const user = await svc.users.create({ ...request.body, role: request.body.role ?? 'user' });
      return reply.code(201).send(user);
    },
  );

  app.get<{ Querystring: Page }>(
    '/admin/users',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        security,
        summary: 'List users',
        querystring: Page,
        response: { 200: Type.Array(User), ...errorResponses(401, 403, 429, 503) },
      },
    },
    (request) => svc.users.list(request.query.limit, request.query.offset),
  );

  app.patch<{ Params: IdParams; Body: UserPatch }>(
    '/admin/users/:id',
    {
      bodyLimit: 1024,
      config: { auth: 'admin' },
      schema: {
        tags,
        security,
        summary: 'Disable or enable a user (disabling ends their sessions and API keys at once)',
        params: IdParams,
        body: UserPatch,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (request.body.disabled && id === request.principal?.userId) {
        throw new NemoError(ErrorCode.Conflict, 'An admin cannot disable their own account.');
      }
      if (!(await svc.users.setDisabled(id, request.body.disabled))) throw notFound('The user');
      if (request.body.disabled) {
        await svc.refreshTokens.revokeUser(id);
        await svc.revocations.revokeUser(id);
      } else {
        await svc.revocations.restoreUser(id);
      }
      const user = await svc.users.get(id);
      if (!user) throw notFound('The user');
      return user;
    },
  );
}
