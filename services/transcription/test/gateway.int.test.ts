import { startHarness, type Harness } from '@nemo/gateway/testing';
import { conversation, wer, type Conversation } from '@nemo/inference/testing';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeWav } from '../src/audio/wav.js';
import type { Models } from '../src/runtime.js';
import { streamLive } from './support/clients.js';
import { s2sKey, sharedModels, startTranscription, type Transcription } from './support/harness.js';

interface Body {
  id: string;
  status: string;
  text: string;
  speakers: string[];
}

// The real gateway (its own PostgreSQL users, Redis rate limits, S2S tokens) in front of the real
// transcription service: the /api/transcription proxy, the OpenAI endpoint and the WebSocket pass-through.
describe('gateway in front of the transcription service', { timeout: 180_000 }, () => {
  let models: Models;
  let svc: Transcription;
  let h: Harness;
  let gatewayUrl: string;
  let token: string;
  let talk: Conversation;
  let wav: Buffer;
  const call = (
    method: 'GET' | 'POST',
    url: string,
    extra: { payload?: Buffer; headers?: Record<string, string> } = {},
  ) =>
    h.request({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...extra.headers },
      ...(extra.payload ? { payload: extra.payload } : {}),
    });

  beforeAll(async () => {
    talk = conversation(['en+m3', 'en+f3'], 2);
    wav = encodeWav(talk.audio);
    models = await sharedModels();
    svc = await startTranscription({ NEMO_EMOTION: 'false', NEMO_RAG_INDEXING: 'false' }, models);
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      peers: { transcription: svc.url },
      s2sKey,
      settings: {
        timeouts: { defaultMs: 10_000, generationMs: 120_000 },
        budgets: { 'chat-tokens': 1_000_000, 'audio-seconds': 10_000 },
      },
    });
    gatewayUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
    token = (await h.login(await h.createUser('user', 'acme'))).accessToken;
  }, 240_000);
  afterAll(async () => {
    await h?.close();
    await svc?.close();
    await Promise.all([models?.asr.close(), models?.vad.dispose()]);
  });

  it('runs a file job through /api/transcription: upload, status, SRT export', async () => {
    const res = await call('POST', '/api/transcription/v1/transcriptions', {
      payload: wav,
      headers: { 'content-type': 'audio/wav' },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json<Body>();
    let t = res.json<Body>();
    for (let i = 0; i < 150 && t.status !== 'completed' && t.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      t = (await call('GET', `/api/transcription/v1/transcriptions/${id}`)).json<Body>();
    }
    expect(t.status).toBe('completed');
    expect(t.speakers).toEqual(['speaker_1', 'speaker_2']);
    expect(wer([{ reference: talk.texts.join(' '), hypothesis: t.text }])).toBeLessThanOrEqual(0.2);
    const srt = await call('GET', `/api/transcription/v1/transcriptions/${id}/export?format=srt`);
    expect(srt.statusCode).toBe(200);
    expect(srt.body).toMatch(/^1\n00:00:00,\d{3} --> .*\n\[speaker_1\] /);
    expect((await h.request({ method: 'GET', url: `/api/transcription/v1/transcriptions/${id}` })).statusCode).toBe(
      401,
    );
  });

  it('answers the official OpenAI client at /v1/audio/transcriptions', async () => {
    const client = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: token, maxRetries: 0 });
    const res = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(wav, 'two-turns.wav', { type: 'audio/wav' }),
    });
    expect(wer([{ reference: talk.texts.join(' '), hypothesis: res.text }])).toBeLessThanOrEqual(0.2);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('whisper-tiny-en-ct2');
  });

  it('passes a live WebSocket stream through, authenticated by the user token', async () => {
    const url = `${gatewayUrl.replace('http', 'ws')}/api/transcription/v1/live?language=en`;
    const run = await streamLive(url, { authorization: `Bearer ${token}` }, talk.audio, { chunkMs: 200, speed: 4 });
    const finals = run.messages.filter((m) => m.type === 'final');
    expect(run.messages[0]).toMatchObject({ type: 'ready' });
    expect(finals.length).toBeGreaterThanOrEqual(2);
    expect(run.messages.at(-1)).toMatchObject({ type: 'done' });
    expect(run.closeCode).toBe(1000);
  });
});
