import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './testing/harness.js';
import { startTestLlm, startTestRag, startTestTranscription, type TestUpstream } from './testing/test-upstreams.js';

describe('the official openai client against the gateway, with test upstreams standing in for the llm, rag and transcription services', () => {
  let h: Harness;
  let llm: TestUpstream;
  let rag: TestUpstream;
  let asr: TestUpstream;
  let client: OpenAI;
  let userId: string;
  let apiKey: string;

  beforeAll(async () => {
    // The upstreams need the harness's S2S key to check tokens; start them against a placeholder first.
    h = await startHarness({ postgresUrl: inject('postgresUrl'), redisUrl: inject('redisUrl') });
    llm = await startTestLlm(h.verifierFor('llm'));
    rag = await startTestRag(h.verifierFor('rag'));
    asr = await startTestTranscription(h.verifierFor('transcription'));
    await h.close();
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      peers: { llm: llm.url, rag: rag.url, transcription: asr.url },
      s2sKey: h.s2sKey,
      settings: { budgets: { 'chat-tokens': 1_000_000, 'audio-seconds': 1_000 } },
    });
    const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const account = await h.createUser('user', 'acme');
    userId = account.id;
    const { accessToken } = await h.login(account);
    const created = await h.request({
      method: 'POST',
      url: '/auth/api-keys',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { name: 'sdk' },
    });
    apiKey = created.json<{ key: string }>().key;
    client = new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([llm.close(), rag.close(), asr.close()]);
  });

  it('lists the models of every model service', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(['all-MiniLM-L6-v2', 'gemma-test', 'parakeet-test']);
  });

  it('completes a chat, and the llm service sees the user behind the API key', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemma-test',
      messages: [{ role: 'user', content: 'one two three' }],
    });
    expect(completion.choices[0]?.message.content).toBe('three two one');
    expect(completion.usage?.total_tokens).toBe(6);
    expect(llm.callers.at(-1)).toEqual({ issuer: 'gateway', subject: userId, tenant: 'acme', role: 'user' });
  });

  it('streams a chat as server-sent events, chunk by chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemma-test',
      messages: [{ role: 'user', content: 'alpha beta gamma delta' }],
      stream: true,
    });
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
    expect(parts.filter(Boolean)).toEqual(['delta', ' gamma', ' beta', ' alpha']);
  });

  it('charges the tenant budget with the tokens the chats used', async () => {
    const day = new Date().toISOString().slice(0, 10);
    await expect
      .poll(async () => Number(await h.redis.get(`nemo:gw:budget:chat-tokens:${day}:acme`)))
      .toBeGreaterThanOrEqual(6 + 8);
  });

  it('embeds texts', async () => {
    const res = await client.embeddings.create({
      model: 'all-MiniLM-L6-v2',
      input: ['abc', 'zz'],
      encoding_format: 'float',
    });
    expect(res.data.map((d) => d.embedding.reduce((a, b) => a + b, 0))).toEqual([3, 2]);
  });

  it('transcribes an uploaded file sent as multipart', async () => {
    const audio = Buffer.alloc(64_000, 7);
    const res = await client.audio.transcriptions.create({
      model: 'parakeet-test',
      file: await toFile(audio, 'meeting.wav', { type: 'audio/wav' }),
    });
    expect(res.text).toBe('64000 bytes of meeting.wav for parakeet-test');
  });

  it('refuses the SDK without a valid key, in the error shape the SDK reads', async () => {
    const bad = new OpenAI({
      apiKey: 'nk_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      baseURL: client.baseURL,
      maxRetries: 0,
    });
    const err = await bad.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain('API key is not valid');
  });
});
