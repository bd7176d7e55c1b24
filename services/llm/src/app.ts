import swagger from '@fastify/swagger';
import { createServiceApp, type ReadinessCheck, type S2SVerifier } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ChatService } from './chat-service.js';
import type { ConversationStore } from './conversations.js';
import { chatRoutes } from './routes/chat.js';
import { conversationRoutes } from './routes/conversations.js';

export interface LlmAppOptions {
  logger: Logger;
  s2s: S2SVerifier;
  chat: ChatService;
  conversations: ConversationStore | undefined;
  checks?: Readonly<Record<string, ReadinessCheck>>;
}

/** The llm service: every route but the probes needs an S2S token; the user comes from it. */
export function build(options: LlmAppOptions): FastifyInstance {
  const app = createServiceApp({
    service: 'llm',
    logger: options.logger,
    s2s: options.s2s,
    bodyLimit: 2 * 1024 * 1024,
    ...(options.checks ? { checks: options.checks } : {}),
  });
  void app.register(async (scope) => {
    await scope.register(swagger, {
      openapi: {
        info: { title: 'Nemo LLM service', version: '0.1.0', description: 'Chat completions and conversations.' },
        components: { securitySchemes: { s2s: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ s2s: [] }],
      },
    });
    chatRoutes(scope, options.chat);
    conversationRoutes(scope, options.conversations);
    scope.get('/v1/models', { schema: { tags: ['models'], summary: 'The model this replica serves' } }, () => ({
      object: 'list',
      data: [{ id: options.chat.model, object: 'model', created: 0, owned_by: 'nemo' }],
    }));
    scope.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());
  });
  return app;
}
