import { freePort } from '@nemo/common/servers';
import OpenAI from 'openai';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { promptText } from '../src/chat-template.js';
import {
  closedPortUrl,
  gatewaySigner,
  pgPool,
  startCoordinator,
  startLlm,
  startRag,
  type Llm,
} from './support/harness.js';

// Real parts throughout: Gemma 3 270M (GGUF) on node-llama-cpp, PostgreSQL, Redis, the coordinator
// and rag apps (MiniLM embeddings). Generations are few and short: this machine has two busy cores.
const question = [{ role: 'user' as const, content: 'What colour is the sky on a clear day?' }];

interface Chunk {
  choices: { delta: { content?: string; role?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  citations?: { id: string; title: string; index: number }[];
  warning?: { code: string };
  conversation_id?: string;
}

async function sse(res: Response): Promise<Chunk[]> {
  const text = await res.text();
  expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]')
    .map((e) => JSON.parse(e.slice(6)) as Chunk);
}

describe('llm service on real Gemma, Postgres, coordinator and rag', { timeout: 120_000 }, () => {
  let pool: pg.Pool;
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  let rag: Awaited<ReturnType<typeof startRag>>;
  let llm: Llm;
  let client: OpenAI;
  const post = async (body: object, token?: string, target: Llm = llm) =>
    fetch(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? (await target.token())}` },
      body: JSON.stringify(body),
    });
  /** A long streamed answer, for tests that stop it midway. */
  const longStream = async (seed: number, signal: AbortSignal) =>
    fetch(`${llm.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await llm.token()}` },
      body: JSON.stringify({ messages: question, max_tokens: 400, temperature: 0.8, seed, stream: true }),
      signal,
    });
  /** Polls until `probe` gives something truthy (10 s at most). */
  const until = async <T>(probe: () => T | Promise<T>): Promise<NonNullable<T>> => {
    for (let i = 0; i < 200; i++) {
      const value = await probe();
      if (value) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('timed out waiting');
  };
  const call = async (method: string, path: string, user: string) =>
    fetch(`${llm.url}${path}`, { method, headers: { authorization: `Bearer ${await llm.token(user)}` } });

  beforeAll(async () => {
    pool = pgPool(inject('postgresUrl'));
    coordinator = await startCoordinator(inject('redisUrl'), pool);
    // rag calls llm for summaries and llm calls rag for passages: pick llm's port first.
    const llmPort = await freePort();
    rag = await startRag(inject('postgresUrl'), `http://127.0.0.1:${llmPort}`);
    const env = {
      NEMO_POSTGRES_URL: inject('postgresUrl'),
      NEMO_COORDINATOR_URL: coordinator.url,
      NEMO_RAG_URL: rag.url,
      NEMO_LLM_MAX_QUEUE: '0',
      NEMO_LLM_LEASE_DEADLINE_MS: '1500',
    };
    llm = await startLlm(env, undefined, llmPort);
    client = new OpenAI({ baseURL: `${llm.url}/v1`, apiKey: await llm.token(), maxRetries: 0 });
  }, 240_000);
  afterAll(async () => {
    await llm?.close();
    await rag?.close();
    await coordinator?.close();
    await pool?.end();
  });

  it('renders the Gemma turn format as node-llama-cpp does, with markers as single special tokens', () => {
    const { generator } = llm.runtime;
    const turns = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello!' },
      { role: 'user' as const, content: 'Say hello.' },
    ];
    // node-llama-cpp prints the BOS token as "BOS".
    expect(promptText(generator.template.render(turns)).replace('<bos>', 'BOS')).toBe(
      generator.model.renderChat(turns),
    );
    // The system prompt: Gemma's official template opens the first user turn with it and a blank line
    // (node-llama-cpp's wrapper uses its own separator there, so it is not the reference).
    const system = [{ role: 'system' as const, content: 'You are terse.' }, turns[0]!];
    expect(promptText(generator.template.render(system))).toBe(
      '<bos><start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n<start_of_turn>model\n',
    );
    // BOS, 2 turn openers, 2 role words + newlines, 1 end marker + newline: the text is what remains.
    const prompt = generator.prompt([turns[0]!]);
    expect(prompt.tokens).toBe(1 + 3 + generator.countTokens('Hi') + 2 + 3);
  });

  let greedy = '';
  it('answers in OpenAI format through the official client, honouring max_tokens with exact usage', async () => {
    const res = await client.chat.completions.create({
      model: 'gemma',
      messages: question,
      max_tokens: 8,
      temperature: 0,
    });
    const prompt = llm.runtime.generator.prompt(question);
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.finish_reason).toBe('length');
    expect(res.usage).toEqual({ prompt_tokens: prompt.tokens, completion_tokens: 8, total_tokens: prompt.tokens + 8 });
    greedy = res.choices[0]?.message.content ?? '';
    expect(greedy.length).toBeGreaterThan(0);
    expect(greedy).not.toContain('<end_of_turn>');
  });

  it('streams chunks the official client parses, and stops at a stop sequence', async () => {
    const words = greedy.trim().split(/\s+/);
    const stop = words.length > 2 ? words[2]! : words.at(-1)!;
    const stream = await client.chat.completions.create({
      model: 'gemma',
      messages: question,
      max_tokens: 8,
      temperature: 0,
      stop: [stop],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(greedy.slice(0, greedy.indexOf(stop)));
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeLessThan(8);
    expect(usage?.prompt_tokens).toBe(llm.runtime.generator.prompt(question).tokens);
  });

  it('refuses a max_tokens the context cannot hold, before any generation', async () => {
    const res = await post({ messages: question, max_tokens: 5_000 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/context of 1024/);
  });

  it('grounds an answer in a document planted in rag and cites it', async () => {
    const token = await gatewaySigner.token('rag', 'alice', 'acme');
    const planted = await rag.app.inject({
      method: 'POST',
      url: '/v1/documents',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        contentType: 'text/plain',
        title: 'Zorblat fuel manual',
        source: 'manuals',
        content: 'The Zorblat rover runs on blue quartz fuel. Refuel it every nine days at the Kessel depot.',
      },
    });
    expect(planted.statusCode).toBe(201);
    const docId = planted.json<{ id: string }>().id;
    const res = await post({
      messages: [{ role: 'user', content: 'What fuel does the Zorblat rover run on?' }],
      max_tokens: 4,
      temperature: 0,
      stream: true,
      rag: true,
    });
    expect(res.status).toBe(200);
    const chunks = await sse(res);
    expect(chunks[0]?.citations?.[0]).toMatchObject({ id: docId, title: 'Zorblat fuel manual', index: 1 });
    const usage = chunks.at(-1)?.usage;
    const bare = llm.runtime.generator.prompt([{ role: 'user', content: 'What fuel does the Zorblat rover run on?' }]);
    expect(usage?.prompt_tokens).toBeGreaterThan(bare.tokens + 15); // the passage is in the prompt
  });

  it('answers ungrounded with a warning when rag is down, or 503, as configured', async () => {
    const env = { NEMO_RAG_URL: closedPortUrl, NEMO_RAG_ENABLED: 'true' };
    const lenient = await startLlm(env, llm.runtime.generator);
    const strict = await startLlm({ ...env, NEMO_RAG_FAILURE: 'error' }, llm.runtime.generator);
    try {
      const res = await post({ messages: question, max_tokens: 2, temperature: 0 }, undefined, lenient);
      const body = (await res.json()) as { warning?: { code: string }; citations?: unknown[] };
      expect(res.status).toBe(200);
      expect(body.warning?.code).toBe('rag_unavailable');
      expect(body.citations).toEqual([]);
      const refused = await post({ messages: question, max_tokens: 2 }, undefined, strict);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
    } finally {
      await lenient.close();
      await strict.close();
    }
  });

  it('turns a coordinator refusal into 429 with Retry-After', async () => {
    const held = await coordinator.holder.acquire({ workload: 'asr', class: 'realtime', expectedMs: 5_000 });
    try {
      const res = await post({ messages: question, max_tokens: 2 });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NEMO_ERR_RATE_LIMITED');
    } finally {
      await held.release();
    }
  });

  it('stops generating when the client disconnects, releases the lease, and refuses extra work meanwhile', async () => {
    const abort = new AbortController();
    const res = await longStream(7, abort.signal);
    const reader = res.body!.getReader();
    let received = 0;
    while (received < 3) received += (await reader.read()).value ? 1 : 0;
    // This replica runs one generation and queues none: a second request is refused with 503.
    const busy = await post({ messages: question, max_tokens: 2 });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    const stats = llm.runtime.chat.stats;
    const abortedBefore = stats.aborted;
    const queue = async () =>
      (await (
        await fetch(`${coordinator.url}/v1/queue`, {
          headers: { authorization: `Bearer ${await gatewaySigner.token('coordinator')}` },
        })
      ).json()) as { busy: { llm: number } };
    expect((await queue()).busy.llm).toBe(1);
    const abortedAt = performance.now();
    abort.abort();
    while (stats.generating > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopMs = performance.now() - abortedAt;
    expect(stats.aborted).toBe(abortedBefore + 1);
    const tokensAfterStop = stats.completionTokens;
    let released = false;
    for (let i = 0; i < 100 && !released; i++) {
      released = (await queue()).busy.llm === 0;
      if (!released) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(released).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stats.completionTokens).toBe(tokensAfterStop); // the counter stopped
    const lastStop = stats.lastStop!;
    expect(lastStop.tokensAfterSignal).toBeLessThanOrEqual(1); // within one token step
    console.info(
      `[llm] client abort -> generation returned in ${stopMs.toFixed(0)} ms; server signal -> return ` +
        `${lastStop.stopMs.toFixed(0)} ms, ${lastStop.tokensAfterSignal} token(s) after the signal`,
    );
  });

  it('stores conversations per user: list, get, append, delete, and no access for another user', async () => {
    const res = await post({ messages: question, max_tokens: 3, temperature: 0 });
    const first = (await res.json()) as { conversation_id: string; choices: { message: { content: string } }[] };
    const id = first.conversation_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const list = (await (await call('GET', '/v1/conversations', 'alice')).json()) as { data: { id: string }[] };
    expect(list.data.map((c) => c.id)).toContain(id);
    // Bob cannot see, read or delete Alice's conversation, nor append to it.
    const bobList = (await (await call('GET', '/v1/conversations', 'bob')).json()) as { data: { id: string }[] };
    expect(bobList.data.map((c) => c.id)).not.toContain(id);
    expect((await call('GET', `/v1/conversations/${id}`, 'bob')).status).toBe(404);
    expect((await call('DELETE', `/v1/conversations/${id}`, 'bob')).status).toBe(404);
    const append = { messages: question, max_tokens: 1, conversation_id: id };
    expect((await post(append, await llm.token('bob'))).status).toBe(404);
    const got = (await (await call('GET', `/v1/conversations/${id}`, 'alice')).json()) as {
      title: string;
      messages: { role: string; content: string }[];
    };
    expect(got.title).toBe(question[0]!.content);
    expect(got.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(got.messages[1]?.content).toBe(first.choices[0]?.message.content);
    // Alice continues it: only the new user turn and the answer are added.
    const history = [
      ...question,
      { role: 'assistant', content: got.messages[1]!.content },
      { role: 'user', content: 'Why?' },
    ];
    const next = await post({ messages: history, max_tokens: 1, temperature: 0, conversation_id: id });
    expect(((await next.json()) as { conversation_id: string }).conversation_id).toBe(id);
    const longer = (await (await call('GET', `/v1/conversations/${id}`, 'alice')).json()) as typeof got;
    expect(longer.messages.map((m) => m.content).slice(2, 3)).toEqual(['Why?']);
    expect(longer.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect((await call('DELETE', `/v1/conversations/${id}`, 'alice')).status).toBe(204);
    expect((await call('GET', `/v1/conversations/${id}`, 'alice')).status).toBe(404);
  });

  it('names the conversation in the first chunk, and keeps an answer the user stopped, marked stopped', async () => {
    const abort = new AbortController();
    const res = await longStream(3, abort.signal);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const chunks: { conversation_id?: string; choices: { delta: { content?: string } }[] }[] = [];
    while (chunks.length < 6) {
      text += (await reader.read()).value ?? '';
      const events = text.split('\n\n');
      text = events.pop() ?? '';
      for (const e of events) if (e.startsWith('data: {')) chunks.push(JSON.parse(e.slice(6)) as (typeof chunks)[0]);
    }
    const id = chunks[0]?.conversation_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const received = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    abort.abort();
    const stats = llm.runtime.chat.stats;
    await until(() => stats.generating === 0);
    // The store follows the stop by a moment.
    const stored = await until(async () => {
      const got = await call('GET', `/v1/conversations/${id}`, 'alice');
      return got.status === 200
        ? ((await got.json()) as { messages: { role: string; content: string; stopped?: boolean }[] })
        : undefined;
    });
    expect(stored.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored.messages[1]?.stopped).toBe(true);
    // What the client saw is the start of what was kept (generation may have gone a token further).
    expect(stored.messages[1]?.content.startsWith(received)).toBe(true);
    expect(received.length).toBeGreaterThan(0);
  });

  it('serves the email summaries rag asks for (rag calls /v1/chat/completions)', async () => {
    const token = await gatewaySigner.token('rag', 'alice', 'acme');
    const headers = { authorization: `Bearer ${token}` };
    const email = await rag.app.inject({
      method: 'POST',
      url: '/v1/emails',
      headers,
      payload: {
        from: 'dana@example.com',
        to: ['alice@example.com'],
        subject: 'Budget review',
        body: 'Hi Alice, can you send the Q3 budget by Friday 12 July? Thanks, Dana',
        date: '2024-07-08T09:00:00Z',
      },
    });
    expect(email.statusCode).toBe(201);
    const id = email.json<{ id: string }>().id;
    const before = llm.runtime.chat.stats.completed;
    const summary = await rag.app.inject({ method: 'POST', url: `/v1/emails/${id}/summary`, headers });
    expect(summary.statusCode).toBe(200);
    expect(llm.runtime.chat.stats.completed).toBe(before + 1);
  });
});
