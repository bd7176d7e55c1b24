import { bearerToken, InsightsEventsClient, type S2SClaims, type S2SSigner, type S2SVerifier } from '@nemo/common';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

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

export interface TestLlmOptions {
  verifier: S2SVerifier;
  signer: S2SSigner;
  insightsUrl: string;
  tokenDelayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes the words as SSE chunks until done or the gateway hangs up; returns how many were sent. */
async function streamWords(reply: FastifyReply, words: readonly string[], delayMs: number): Promise<number> {
  let sent = 0;
  for (const word of words) {
    if (reply.raw.destroyed) break;
    const content = sent === 0 ? word : ` ${word}`;
    reply.raw.write(
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`,
    );
    sent++;
    await sleep(delayMs);
  }
  return sent;
}

function citationChunk(prompt: string): string {
  const citations = [{ id: 'doc-1', title: 'handbook.pdf', snippet: `Passage about ${prompt}.` }];
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], citations })}\n\n`;
}

export async function startTestLlmUpstream(opts: TestLlmOptions): Promise<TestLlmUpstream> {
  const events = new InsightsEventsClient({ baseUrl: opts.insightsUrl, signer: opts.signer, flushIntervalMs: 100 });
  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  const busyOnce = new Set<string>();
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request) => {
    request.caller = await opts.verifier.verify(bearerToken(request) ?? '');
  });
  app.get('/v1/models', () => ({
    object: 'list',
    data: [{ id: 'gemma-test', object: 'model', created: 1, owned_by: 'nemo' }],
  }));
  app.post<{ Body: ChatBody }>('/v1/chat/completions', async (request, reply) => {
    const prompt = request.body.messages.at(-1)?.content ?? '';
    if (prompt.startsWith('busy') && !busyOnce.has(prompt)) {
      busyOnce.add(prompt);
      const error = { code: 'NEMO_ERR_RATE_LIMITED', message: 'The GPUs are busy.', requestId: request.id };
      return reply.code(429).header('retry-after', '2').send({ error });
    }
    const words = `You said: ${prompt}`.split(' ');
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (request.body.rag?.enabled) reply.raw.write(citationChunk(prompt));
    const sent = await streamWords(reply, words, opts.tokenDelayMs);
    const caller = request.caller as S2SClaims;
    events.emit({
      type: 'chat.usage',
      tenant: caller.tenant ?? 'default',
      userId: caller.subject,
      promptTokens: words.length,
      completionTokens: sent,
      model: 'gemma-test',
    });
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
