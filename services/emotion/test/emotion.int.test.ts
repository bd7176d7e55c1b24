import { generateKeyPairSync } from 'node:crypto';
import { createLogger, InsightsEventsClient, keyFromPem, S2SSigner, S2SVerifier } from '@nemo/common';
import { startInsights, type Insights } from '@nemo/insights/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { build } from '../src/app.js';
import { EmotionClassifier, InferenceEmotionModel, type Classification } from '../src/classifier.js';
import { MAX_INPUT_CHARS } from '../src/truncate.js';
import { LABELLED } from './labelled-texts.js';

const { privateKey } = generateKeyPairSync('ed25519');
const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
const signer = new S2SSigner({ issuer: 'transcription', key });
// The emotion service's own key for its calls to insights.
const emotionKey = await keyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
  'emotion key',
);
const admin = { subject: 'root', tenant: 'ops', role: 'admin' } as const;

interface EmotionPoint {
  key: string;
  label: string;
  count: number;
}

describe('emotion service (real model), recording segments in a real insights service (real PostgreSQL)', () => {
  let model: InferenceEmotionModel;
  let app: FastifyInstance;
  let insights: Insights;
  let events: InsightsEventsClient;

  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'), { key: emotionKey, listen: true });
    events = new InsightsEventsClient({
      baseUrl: insights.url!,
      signer: new S2SSigner({ issuer: 'emotion', key: emotionKey }),
    });
    model = await InferenceEmotionModel.start();
    app = build({
      logger: createLogger({ service: 'emotion', level: 'silent' }),
      s2s: new S2SVerifier({ audience: 'emotion', keys: { primary: key, previous: undefined } }),
      services: { classifier: new EmotionClassifier(model), events },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
    await events?.close();
    await insights?.close();
  });

  const emotions = async (query: string) => {
    await events.flush();
    const res = await insights.asUser(admin, `/v1/insights/emotions?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ points: EmotionPoint[] }>().points.map(({ key, label, count }) => ({ key, label, count }));
  };

  const post = async (url: string, payload: object, tenant = 'acme') => {
    const token = await signer.token('emotion', 'user-1', tenant);
    return app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
  };

  it('labels a hand-labelled set accurately', async () => {
    const res = await post('/v1/classify/batch', { texts: LABELLED.map((l) => l.text) });
    const { results } = res.json<{ results: Classification[] }>();
    const correct = results.filter((r, i) => r.label === LABELLED[i]!.label).length;
    const accuracy = correct / LABELLED.length;
    console.log(`emotion accuracy on ${LABELLED.length} labelled sentences: ${(accuracy * 100).toFixed(1)}%`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    for (const r of results) expect(Object.values(r.scores).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

  it('classifies transcript segments, summarises per speaker and records them in insights', async () => {
    const streamId = `call-${Date.now()}`;
    const res = await post('/v1/segments', {
      streamId,
      segments: [
        { speaker: 'caller', start: 0, end: 5, text: 'I am furious, you charged my card twice!' },
        { speaker: 'agent', start: 5, end: 9, text: 'Your refund will be processed within five business days.' },
        { speaker: 'caller', start: 9, end: 12, text: 'This is outrageous, I want to speak to a manager.' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      segments: { speaker: string; label: string }[];
      speakers: Record<string, { label: string; segments: number }>;
    }>();
    expect(body.segments.map((s) => s.label)).toEqual(['anger', 'neutral', 'anger']);
    expect(body.speakers['caller']).toMatchObject({ label: 'anger', segments: 2 });
    // The emotion distribution per speaker, as the insights page charts it.
    expect(await emotions(`tenant=acme&conversationId=${streamId}&groupBy=speaker`)).toEqual([
      { key: 'agent', label: 'neutral', count: 1 },
      { key: 'caller', label: 'anger', count: 2 },
    ]);
    expect(await emotions(`tenant=acme&userId=user-1&groupBy=conversation`)).toEqual([
      { key: streamId, label: 'anger', count: 2 },
      { key: streamId, label: 'neutral', count: 1 },
    ]);
  });

  it('records nothing for segments of no conversation, or when asked not to', async () => {
    const segments = [{ speaker: 'S1', start: 0, end: 2, text: 'What a wonderful surprise, thank you so much!' }];
    expect((await post('/v1/segments', { segments }, 'globex')).statusCode).toBe(200);
    expect((await post('/v1/segments', { streamId: 'quiet', segments, record: false }, 'globex')).statusCode).toBe(200);
    expect(await emotions('tenant=globex')).toEqual([]);
  });

  it('truncates over-long input visibly instead of dropping it', async () => {
    const long = `I am overjoyed, this is the happiest day of my life! ${'And the party went on. '.repeat(100)}`;
    const result = (await post('/v1/classify', { text: long })).json<Classification>();
    expect(result).toMatchObject({ truncated: true });
    expect(result.analyzedChars).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    expect(result.analyzedChars).toBeGreaterThan(MAX_INPUT_CHARS / 2);
  });

  it('answers empty or blank input with a clear 400', async () => {
    const blank = await post('/v1/classify', { text: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({
      error: { message: 'Text 0 is empty; send at least one non-blank character per text.' },
    });
    expect((await post('/v1/classify', { text: '' })).statusCode).toBe(400);
  });

  it('refuses calls without a service token and counts labels in /metrics', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'hi' } })).statusCode).toBe(401);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/emotion_classifications_total\{label="anger",service="emotion"\} \d+/);
  });
});
