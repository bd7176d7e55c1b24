import type { FastifyInstance } from 'fastify';
import { EmbeddingsBody, SearchBody } from '../schemas.js';
import type { RagServices } from '../services.js';
import { tenantOf } from './tenant.js';
import { hitView } from './views.js';

/** Search over the caller's tenant, and OpenAI-compatible embeddings for the gateway. */
export function searchRoutes(app: FastifyInstance, svc: RagServices): void {
  app.post<{ Body: SearchBody }>(
    '/v1/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Top-k chunks with filters, a minimum score and citations',
        body: SearchBody,
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const [vector] = await svc.embedder.embed([request.body.query]);
      const hits = svc.engine.search({
        tenant,
        query: request.body.query,
        vector: vector!,
        topK: request.body.topK,
        minScore: request.body.minScore,
        filters: request.body.filters,
      });
      // Every search counts, the llm's grounding included; an empty answer is one that found nothing.
      svc.events?.emit({
        type: 'rag.query',
        tenant,
        ...(request.caller?.subject ? { userId: request.caller.subject } : {}),
        results: hits.length,
      });
      return { results: hits.map(hitView) };
    },
  );

  app.post<{ Body: EmbeddingsBody }>(
    '/v1/embeddings',
    {
      schema: { tags: ['embeddings'], summary: 'Embeddings in the OpenAI /v1/embeddings format', body: EmbeddingsBody },
    },
    async (request) => {
      const inputs = typeof request.body.input === 'string' ? [request.body.input] : request.body.input;
      const vectors = await svc.embedder.embed(inputs);
      const base64 = request.body.encoding_format === 'base64';
      const words = inputs.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);
      return {
        object: 'list',
        model: svc.embedder.model,
        data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: encode(v, base64) })),
        // Word count, not word pieces: the inference layer does not expose its tokenizer's counts.
        usage: { prompt_tokens: words, total_tokens: words },
      };
    },
  );
}

function encode(vector: Float32Array, base64: boolean): number[] | string {
  return base64
    ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
    : Array.from(vector);
}
