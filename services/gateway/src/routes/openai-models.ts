import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PeerService } from '../config.js';
import { bodyText } from '../proxy/peer-dispatch.js';
import { errorResponses, ModelList } from '../schemas.js';
import type { GatewayServices } from '../services.js';
import { safeJson } from './openai-shared.js';

const MODEL_SERVICES: readonly PeerService[] = ['llm', 'rag', 'transcription'];

/** GET /v1/models: the models of every enabled model service, merged. */
export function modelRoutes(app: FastifyInstance, svc: GatewayServices): void {
  app.get(
    '/v1/models',
    {
      config: { auth: 'user', apiKeys: true },
      schema: {
        tags: ['openai'],
        security: [{ bearer: [] }],
        summary: 'Models served by this platform',
        response: { 200: ModelList, ...errorResponses(401, 429, 503) },
      },
    },
    async (request) => {
      const enabled = MODEL_SERVICES.filter((s) => svc.upstreams.has(s));
      const lists = await Promise.allSettled(enabled.map((service) => modelsOf(request, svc, service)));
      const answered = lists.filter((r): r is PromiseFulfilledResult<ModelList['data']> => r.status === 'fulfilled');
      if (enabled.length > 0 && answered.length === 0) {
        throw new NemoError(ErrorCode.Unavailable, 'No model service is answering; try again shortly.', {
          retryAfterSeconds: 2,
        });
      }
      return { object: 'list' as const, data: answered.flatMap((r) => r.value) };
    },
  );
}

async function modelsOf(
  request: FastifyRequest,
  svc: GatewayServices,
  service: PeerService,
): Promise<ModelList['data']> {
  const res = await svc.upstreams.call(request, { service, method: 'GET', path: '/v1/models', timeoutMs: 5_000 });
  const body = safeJson(await bodyText(res.body)) as Partial<ModelList> | undefined;
  if (res.status !== 200 || !Array.isArray(body?.data)) throw new Error(`${service} gave no model list`);
  return body.data.map((m) => ({
    id: String(m.id),
    object: 'model' as const,
    created: Number(m.created) || 0,
    owned_by: String(m.owned_by ?? service),
  }));
}
