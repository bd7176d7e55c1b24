import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyText, isEventStream, streamOf } from '../proxy/peer-dispatch.js';
import { passedHeaders, relay } from '../proxy/relay.js';
import { meterStream, tokensOf } from '../proxy/usage-meter.js';
import type { UpstreamResponse } from '../proxy/upstreams.js';
import { ChatCompletionBody, EmbeddingsBody, errorResponses } from '../schemas.js';
import type { GatewayServices } from '../services.js';
import { audioRoutes } from './openai-audio.js';
import { modelRoutes } from './openai-models.js';
import { charge, safeJson } from './openai-shared.js';

const tags = ['openai'];
const security = [{ bearer: [] }];
const openAi = { auth: 'user', apiKeys: true } as const;
const JSON_LIMIT = 2 * 1024 * 1024;

/** The OpenAI-compatible API: existing SDKs work against the gateway with an API key. */
export async function openAiRoutes(app: FastifyInstance, svc: GatewayServices): Promise<void> {
  app.post<{ Body: ChatCompletionBody }>(
    '/v1/chat/completions',
    {
      bodyLimit: JSON_LIMIT,
      config: { ...openAi, budget: 'chat-tokens' },
      schema: {
        tags,
        security,
        summary: 'Chat completion (set stream: true for server-sent events)',
        body: ChatCompletionBody,
        response: errorResponses(400, 401, 413, 429, 502, 503, 504),
      },
    },
    async (request, reply) => {
      const res = await forwardJson(request, reply, svc, { service: 'llm', path: '/v1/chat/completions' });
      return answer(reply, res, (tokens) => charge(request, svc, 'chat-tokens', tokens));
    },
  );

  app.post(
    '/v1/embeddings',
    {
      bodyLimit: JSON_LIMIT,
      config: openAi,
      schema: {
        tags,
        security,
        summary: 'Embeddings of one or more texts',
        body: EmbeddingsBody,
        response: errorResponses(400, 401, 413, 429, 502, 503, 504),
      },
    },
    async (request, reply) => {
      const res = await forwardJson(request, reply, svc, { service: 'rag', path: '/v1/embeddings' });
      return relay(reply, res);
    },
  );

  modelRoutes(app, svc);
  await audioRoutes(app, svc);
}

async function forwardJson(
  request: FastifyRequest,
  reply: FastifyReply,
  svc: GatewayServices,
  target: { service: 'llm' | 'rag'; path: string },
): Promise<UpstreamResponse> {
  return svc.upstreams.call(request, {
    ...target,
    method: 'POST',
    body: JSON.stringify(request.body),
    headers: { 'content-type': 'application/json', accept: request.headers.accept ?? 'application/json' },
    timeoutMs: target.service === 'llm' ? svc.timeouts.generationMs : svc.timeouts.defaultMs,
    client: reply.raw,
  });
}

/** Streams go straight through with a meter; whole answers are read once to count their usage. */
async function answer(reply: FastifyReply, res: UpstreamResponse, onUsage: (tokens: number) => void) {
  if (isEventStream(res.headers)) return relay(reply, res, meterStream(streamOf(res.body), onUsage));
  const text = await bodyText(res.body);
  if (res.status < 300 && String(res.headers['content-type'] ?? '').includes('json')) onUsage(tokensOf(safeJson(text)));
  return reply.code(res.status).headers(passedHeaders(res.headers)).send(text);
}
