import { ErrorCode, NemoError } from '@nemo/common';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ownerOf } from '../chat-service.js';
import type { ConversationStore, Owner } from '../conversations.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
type IdParams = Static<typeof IdParams>;
const ListQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) });
type ListQuery = Static<typeof ListQuery>;

/** The user comes from the verified service token only: nobody can name another user's conversations. */
function requireOwner(request: FastifyRequest): Owner {
  const owner = ownerOf(request.caller);
  if (!owner) {
    throw new NemoError(ErrorCode.Forbidden, 'Conversations belong to a user: the service token must name one.');
  }
  return owner;
}

function storeOf(store: ConversationStore | undefined): ConversationStore {
  if (!store)
    throw new NemoError(ErrorCode.Unavailable, 'Conversations are not stored by this deployment (no PostgreSQL).');
  return store;
}

/** The caller's stored conversations: list, read, delete. */
export function conversationRoutes(app: FastifyInstance, store: ConversationStore | undefined): void {
  const tags = ['conversations'];
  app.get<{ Querystring: ListQuery }>(
    '/v1/conversations',
    { schema: { tags, summary: "The caller's conversations, newest first", querystring: ListQuery } },
    async (request) => ({ data: await storeOf(store).list(requireOwner(request), request.query.limit) }),
  );
  app.get<{ Params: IdParams }>(
    '/v1/conversations/:id',
    { schema: { tags, summary: 'One conversation with its messages', params: IdParams } },
    (request) => storeOf(store).get(requireOwner(request), request.params.id),
  );
  app.delete<{ Params: IdParams }>(
    '/v1/conversations/:id',
    { schema: { tags, summary: 'Delete a conversation', params: IdParams } },
    async (request, reply) => {
      await storeOf(store).delete(requireOwner(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
