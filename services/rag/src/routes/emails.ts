import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { EmailService } from '../email/email-service.js';
import { EmailBody, IdParams } from '../schemas.js';
import type { RagServices } from '../services.js';
import { tenantOf } from './tenant.js';

const tags = ['emails'];

function emailsOf(svc: RagServices): EmailService {
  if (!svc.emails)
    throw new NemoError(ErrorCode.Unavailable, 'The email store needs PostgreSQL, which is not configured.');
  return svc.emails;
}

/** The email analyzer's store: encrypted per record, searchable like documents. */
export function emailRoutes(app: FastifyInstance, svc: RagServices): void {
  app.post<{ Body: EmailBody }>(
    '/v1/emails',
    { schema: { tags, summary: 'Store and index an email', body: EmailBody } },
    async (request, reply) => {
      const id = await emailsOf(svc).ingest(tenantOf(request), request.body);
      return reply.code(201).send({ id });
    },
  );

  app.get<{ Params: IdParams }>(
    '/v1/emails/:id',
    { schema: { tags, summary: 'Read an email back (decrypted)', params: IdParams } },
    async (request) => ({ id: request.params.id, ...(await emailsOf(svc).get(tenantOf(request), request.params.id)) }),
  );

  app.post<{ Params: IdParams }>(
    '/v1/emails/:id/summary',
    { schema: { tags, summary: 'Summarise an email with the llm service', params: IdParams } },
    async (request) => ({ summary: await emailsOf(svc).summarize(tenantOf(request), request.params.id) }),
  );

  app.delete<{ Params: IdParams }>(
    '/v1/emails/:id',
    { schema: { tags, summary: 'Delete an email from the store and the index', params: IdParams } },
    async (request, reply) => {
      const deleted = await emailsOf(svc).delete(tenantOf(request), request.params.id);
      if (!deleted) throw new NemoError(ErrorCode.NotFound, `Email ${request.params.id} was not found.`);
      return reply.code(204).send();
    },
  );
}
