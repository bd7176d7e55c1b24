import { notFound } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import { DocumentBody, IdParams, IngestionBody, TranscriptBody } from '../schemas.js';
import type { RagServices } from '../services.js';
import { tenantOf } from './tenant.js';
import { chunkView, documentView } from './views.js';

const tags = ['documents'];

/** Ingestion (documents, transcripts, long jobs), reading and deletion, all scoped to the caller's tenant. */
export function documentRoutes(app: FastifyInstance, svc: RagServices): void {
  app.post<{ Body: DocumentBody }>(
    '/v1/documents',
    {
      schema: {
        tags,
        summary: 'Ingest a text, Markdown, HTML or PDF document',
        description: 'A PDF is sent as base64 with contentEncoding "base64"; its text layer is indexed (no OCR).',
        body: DocumentBody,
      },
    },
    async (request, reply) => {
      const doc = await svc.ingestor.ingestDocument(tenantOf(request), request.body);
      return reply.code(201).send(documentView(doc));
    },
  );

  app.post<{ Body: TranscriptBody }>(
    '/v1/transcripts',
    { schema: { tags, summary: 'Ingest a transcript with speaker and time metadata', body: TranscriptBody } },
    async (request, reply) => {
      const doc = await svc.ingestor.ingestTranscript(tenantOf(request), request.body);
      return reply.code(201).send(documentView(doc));
    },
  );

  app.post<{ Body: IngestionBody }>(
    '/v1/ingestions',
    { schema: { tags, summary: 'Start a long ingestion; poll its progress', body: IngestionBody } },
    (request, reply) => reply.code(202).send(svc.jobs.start(tenantOf(request), request.body.documents)),
  );

  app.get<{ Params: IdParams }>(
    '/v1/ingestions/:id',
    { schema: { tags, summary: 'Progress of an ingestion', params: IdParams } },
    (request) => {
      const job = svc.jobs.get(tenantOf(request), request.params.id);
      if (!job) throw notFound(`Ingestion ${request.params.id}`);
      return job;
    },
  );

  app.get('/v1/documents', { schema: { tags, summary: "List the tenant's documents" } }, (request) => ({
    documents: svc.store.list(tenantOf(request)).map(documentView),
  }));

  app.get<{ Params: IdParams }>(
    '/v1/documents/:id',
    { schema: { tags, summary: 'A document with its chunks', params: IdParams } },
    (request) => {
      const doc = svc.store.get(tenantOf(request), request.params.id);
      if (!doc) throw notFound(`Document ${request.params.id}`);
      return { ...documentView(doc), chunks: doc.chunks.map(chunkView) };
    },
  );

  app.delete<{ Params: IdParams }>(
    '/v1/documents/:id',
    { schema: { tags, summary: 'Delete a document from the index and the store', params: IdParams } },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const doc = svc.store.get(tenant, request.params.id);
      if (!doc) throw notFound(`Document ${request.params.id}`);
      if (doc.meta.kind === 'email' && svc.emails) await svc.emails.delete(tenant, doc.meta.id);
      else await svc.store.delete(tenant, doc.meta.id);
      return reply.code(204).send();
    },
  );
}
