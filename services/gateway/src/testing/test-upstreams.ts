import multipart from '@fastify/multipart';
import { bearerToken, type S2SClaims, type S2SVerifier } from '@nemo/common';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

/**
 * Small HTTP servers on loopback that stand in for the llm, rag and
 * transcription services until those land. They check the gateway's S2S
 * token like the real services will, and compute their answers from the
 * request, so a test can tell a relayed answer from a made-up one.
 */
export interface TestUpstream {
  url: string;
  app: FastifyInstance;
  /** The verified caller of each request, in order. */
  callers: S2SClaims[];
  /** Paths whose caller hung up before the answer was sent. */
  hungUp: string[];
  close(): Promise<void>;
}

async function checked(request: FastifyRequest, verifier: S2SVerifier, callers: S2SClaims[]): Promise<void> {
  callers.push(await verifier.verify(bearerToken(request) ?? ''));
}

async function serve(app: FastifyInstance, callers: S2SClaims[], hungUp: string[] = []): Promise<TestUpstream> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, app, callers, hungUp, close: () => app.close() };
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
}

/** Replies with the last user message reversed, one word per streamed chunk. */
export async function startTestLlm(verifier: S2SVerifier): Promise<TestUpstream> {
  const callers: S2SClaims[] = [];
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', (request) => checked(request, verifier, callers));
  app.get('/v1/models', () => ({
    object: 'list',
    data: [{ id: 'gemma-test', object: 'model', created: 1, owned_by: 'nemo' }],
  }));
  app.post<{ Body: ChatBody }>('/v1/chat/completions', (request, reply) => {
    const last = request.body.messages.at(-1)?.content ?? '';
    const words = last.split(' ').reverse();
    const base = { id: 'chatcmpl-test', created: 1, model: request.body.model };
    const usage = {
      prompt_tokens: last.split(' ').length,
      completion_tokens: words.length,
      total_tokens: 2 * words.length,
    };
    if (!request.body.stream) {
      return {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: words.join(' ') } }],
        usage,
      };
    }
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    const events = words.map((w, i) => chunk({ content: i === 0 ? w : ` ${w}` }, null));
    events.push(chunk({}, 'stop', { usage }), 'data: [DONE]\n\n');
    return reply.type('text/event-stream').send(events.join(''));
  });
  app.post('/busy', (_request, reply) =>
    reply
      .code(429)
      .header('retry-after', '7')
      .send({ error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'The GPUs are busy.', requestId: 'x' } }),
  );
  app.get('/crash', (_request, reply) =>
    reply.code(500).send({ stack: 'Error: boom at /srv/llm/secret.ts:1', sql: 'SELECT * FROM users' }),
  );
  const hungUp: string[] = [];
  app.get('/slow', (request, reply) => {
    request.raw.socket.once('close', () => {
      if (!reply.sent) hungUp.push('/slow');
    });
    return new Promise((resolve) => setTimeout(() => resolve({ late: true }), 10_000));
  });
  // Promises 100 bytes, sends 12, and hangs up.
  app.get('/truncated', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    reply.raw.write('{"partial": ');
    setImmediate(() => reply.raw.destroy());
  });
  // An event stream that would drip for 10 s: the gateway relays it as it comes.
  app.get('/drip', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => reply.raw.write('data: drip\n\n'), 50);
    // Both timers stop at whichever comes first: the end, or the caller hanging up.
    const stop = () => {
      clearInterval(timer);
      clearTimeout(end);
    };
    const end = setTimeout(() => {
      stop();
      reply.raw.end();
    }, 10_000);
    request.raw.socket.once('close', () => {
      stop();
      if (!reply.raw.writableFinished) hungUp.push('/drip');
    });
  });
  // 200 KB: more than the gateway reads whole, so it streams.
  app.get('/large', (_request, reply) => reply.type('text/plain').send('x'.repeat(200 * 1024)));
  app.get('/whoami', (request) => ({ caller: callers.at(-1), requestId: request.headers['x-request-id'] }));
  return serve(app, callers, hungUp);
}

/** Embeddings: a vector of letter counts (a-z) per input, so the answer depends on the text. */
export async function startTestRag(verifier: S2SVerifier): Promise<TestUpstream> {
  const callers: S2SClaims[] = [];
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', (request) => checked(request, verifier, callers));
  app.get('/v1/models', () => ({
    object: 'list',
    data: [{ id: 'all-MiniLM-L6-v2', object: 'model', created: 2, owned_by: 'nemo' }],
  }));
  app.post<{ Body: { model: string; input: string | string[] } }>('/v1/embeddings', (request) => {
    const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
    const data = inputs.map((text, index) => {
      const counts = new Array<number>(26).fill(0);
      for (const ch of text.toLowerCase()) if (ch >= 'a' && ch <= 'z') counts[ch.charCodeAt(0) - 97]! += 1;
      return { object: 'embedding', index, embedding: counts };
    });
    return {
      object: 'list',
      data,
      model: request.body.model,
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    };
  });
  return serve(app, callers);
}

/** Transcription: reports the bytes and name it received; one second of audio per 32,000 bytes. */
export async function startTestTranscription(verifier: S2SVerifier): Promise<TestUpstream> {
  const callers: S2SClaims[] = [];
  const app = Fastify({ forceCloseConnections: true });
  await app.register(multipart);
  app.addHook('onRequest', (request) => checked(request, verifier, callers));
  app.get('/v1/models', () => ({
    object: 'list',
    data: [{ id: 'parakeet-test', object: 'model', created: 3, owned_by: 'nemo' }],
  }));
  app.post('/v1/audio/transcriptions', async (request) => {
    const fields: Record<string, string> = {};
    let bytes = 0;
    let name = '';
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        bytes = (await part.toBuffer()).length;
        name = part.filename;
      } else fields[part.fieldname] = String(part.value);
    }
    return { text: `${bytes} bytes of ${name} for ${fields['model']}`, duration: bytes / 32_000 };
  });
  return serve(app, callers);
}
