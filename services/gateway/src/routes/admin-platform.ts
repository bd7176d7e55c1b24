import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { platformHealth } from '../platform/platform-health.js';
import { errorResponses } from '../schemas.js';
import type { GatewayServices } from '../services.js';

const Condition = Type.Object({
  type: Type.String(),
  status: Type.String(),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Type.String()),
});

const PlatformHealthBody = Type.Object({
  mode: Type.Union([Type.Literal('cluster'), Type.Literal('local')]),
  peers: Type.Array(Type.Object({ service: Type.String(), ready: Type.Boolean(), detail: Type.String() })),
  platform: Type.Optional(
    Type.Object({
      name: Type.String(),
      namespace: Type.String(),
      generation: Type.Optional(Type.Integer()),
      status: Type.Object({
        phase: Type.Optional(Type.String()),
        observedGeneration: Type.Optional(Type.Integer()),
        conditions: Type.Optional(Type.Array(Condition)),
        components: Type.Optional(
          Type.Record(Type.String(), Type.Object({ ready: Type.Integer(), desired: Type.Integer() })),
        ),
        gpu: Type.Optional(Type.Unknown()),
      }),
    }),
  ),
  platformError: Type.Optional(Type.String()),
});

/** Admin-only: the platform's health as the gateway sees it (peers' readiness, the NemoPlatform status). */
export function adminPlatformRoutes(app: FastifyInstance, svc: GatewayServices, statusFile: string | undefined): void {
  app.get(
    '/admin/platform',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        summary: "Each service's readiness and, in a cluster, the NemoPlatform status",
        response: { 200: PlatformHealthBody, ...errorResponses(401, 403, 429) },
      },
    },
    (request) => platformHealth(svc.upstreams, statusFile, request.log),
  );
}
