import { conversation } from '@nemo/inference/testing';
import { startInsights, type Insights } from '@nemo/insights/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeWav } from '../src/audio/wav.js';
import type { Models } from '../src/runtime.js';
import { readSse } from './support/clients.js';
import { s2sKey, sharedModels, startTranscription, type Transcription } from './support/harness.js';

// A real insights service on PostgreSQL receives what transcription reports once a
// transcript completes: its audio seconds (usage against budget) and its text (top terms).
describe('transcription reports usage and transcript text to insights', { timeout: 180_000 }, () => {
  let insights: Insights;
  let models: Models;
  let svc: Transcription;
  let closed = false;
  const alice = { subject: 'alice', tenant: 'acme', role: 'user' as const };

  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'), { key: s2sKey, listen: true });
    models = await sharedModels();
    svc = await startTranscription({ NEMO_INSIGHTS_URL: insights.url!, NEMO_EMOTION: 'false' }, models);
  });
  afterAll(async () => {
    if (!closed) await svc?.close();
    await insights?.close();
    await Promise.all([models?.asr.close(), models?.vad.dispose()]);
  });

  it('files the audio seconds and the words under the user who transcribed', async () => {
    const talk = conversation(['en+m3'], 1);
    const res = await fetch(`${svc.url}/v1/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await svc.token('alice', 'acme')}`, 'content-type': 'audio/wav' },
      body: encodeWav(talk.audio),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const events = await readSse(
      await fetch(`${svc.url}/v1/transcriptions/${id}/events`, {
        headers: { authorization: `Bearer ${await svc.token('alice', 'acme')}` },
      }),
    );
    expect(events.at(-1)?.event).toBe('completed');
    // Closing flushes the events client (it would otherwise send within a second).
    await svc.close();
    closed = true;

    const usage = (await insights.asUser(alice, '/v1/insights/usage')).json<{
      users: { userId: string; audioSeconds: number }[];
    }>();
    const seconds = usage.users.find((u) => u.userId === 'alice')?.audioSeconds ?? 0;
    expect(seconds).toBeCloseTo(talk.audio.length / 16_000, 0);

    const terms = (await insights.asUser(alice, '/v1/insights/terms')).json<{ terms: { term: string }[] }>();
    const spoken = talk.texts.join(' ').toLowerCase();
    expect(terms.terms.length).toBeGreaterThan(0);
    expect(terms.terms.filter((t) => spoken.includes(t.term)).length).toBeGreaterThan(0);
  });
});
