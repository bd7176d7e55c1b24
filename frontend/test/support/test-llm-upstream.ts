import { InsightsEventsClient, type S2SSigner, type S2SVerifier } from '@nemo/common';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * A TEST UPSTREAM standing in for the llm service (issue 8) in browser
 * tests: no model can answer in a browser test's time budget. It checks the
 * gateway's S2S token like the real service, streams the words of the last
 * user message back slowly (so a test can watch tokens arrive and stop
 * them), cites a source when RAG is asked for, answers "busy" prompts with
 * one 429, and reports chat usage to the real insights service through the
 * real events client, as the llm service does.
 */
export interface TestLlmUpstream {
  url: string;
  close(): Promise<void>;
}

interface ChatBody {
  messages: { role: string; content: string }[];
  rag?: { enabled?: boolean };
}

export async function startTestLlmUpstream(opts: {
  verifier: S2SVerifier;
  signer: S2SSigner;
  insightsUrl: string;
  tokenDelayMs: number;
}): Promise<TestLlmUpstream> {
  const events = new InsightsEventsClient({ baseUrl: opts.insightsUrl, signer: opts.signer, flushIntervalMs: 100 });
  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  const busyOnce = new Set<string>();
  app.addHook('onRequest', async (request) => {
    await opts.verifier.verify((request.headers.authorization ?? '').replace(/^Bearer /, ''));
  });
  app.get('/v1/models', () => ({ object: 'list', data: [{ id: 'gemma-test', object: 'model', created: 1, owned_by: 'nemo' }] }));
  app.post<{ Body: ChatBody }>('/v1/chat/completions', async (request, reply) => {
    const prompt = request.body.messages.at(-1)?.content ?? '';
    if (prompt.startsWith('busy') && !busyOnce.has(prompt)) {
      busyOnce.add(prompt);
      return reply
        .code(429)
        .header('retry-after', '2')
        .send({ error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'The GPUs are busy.', requestId: request.id } });
    }
    const caller = await opts.verifier.verify((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    const words = `You said: ${prompt}`.split(' ');
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (body: object) => reply.raw.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', ...body })}\n\n`);
    if (request.body.rag?.enabled) {
      chunk({ choices: [], citations: [{ id: 'doc-1', title: 'handbook.pdf', snippet: `Passage about ${prompt}.` }] });
    }
    let sent = 0;
    for (const [i, word] of words.entries()) {
      if (reply.raw.destroyed) break;
      chunk({ choices: [{ index: 0, delta: { content: i === 0 ? word : ` ${word}` } }] });
      sent++;
      await new Promise((resolve) => setTimeout(resolve, opts.tokenDelayMs));
    }
    events.emit({ type: 'chat.usage', tenant: caller.tenant ?? 'default', userId: caller.subject, promptTokens: words.length, completionTokens: sent, model: 'gemma-test' });
    reply.raw.end('data: [DONE]\n\n');
    return reply;
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await events.close();
      await app.close();
    },
  };
}
