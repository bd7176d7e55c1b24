import { freePort } from '@nemo/common/servers';
import { conversation, encodeAudio, wer, type Conversation } from '@nemo/inference/testing';
import OpenAI, { toFile } from 'openai';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeWav } from '../src/audio/wav.js';
import type { Models } from '../src/runtime.js';
import type { Segment } from '../src/transcript.js';
import { readSse, refusedUpgrade, streamLive } from './support/clients.js';
import {
  gatewaySigner,
  pgPool,
  sharedModels,
  startCoordinator,
  startEmotion,
  startRag,
  startTranscription,
  type Served,
  type Transcription,
} from './support/harness.js';

interface TranscriptBody {
  id: string;
  status: string;
  durationSeconds: number;
  speakers: string[];
  segments: Segment[];
  text: string;
  progress: { processedSeconds: number; totalSeconds: number; fraction: number };
  enrichment: { emotion: { state: string; lastError?: string }; rag: { state: string } };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Share of reference turns whose segments' majority speaker is the one mapped to the right voice. */
function turnsRight(c: Conversation, segments: readonly Segment[]): number {
  const majority = c.truth.map((t) => {
    const hits = new Map<string, number>();
    for (const s of segments) {
      const overlap = Math.min(s.end, t.end) - Math.max(s.start, t.start);
      if (overlap > 0 && s.speaker) hits.set(s.speaker, (hits.get(s.speaker) ?? 0) + overlap);
    }
    return [...hits].sort((a, b) => b[1] - a[1])[0]?.[0];
  });
  const mapping = new Map<string, string>();
  c.truth.forEach((t, i) => {
    if (!mapping.has(t.speaker) && majority[i]) mapping.set(t.speaker, majority[i]);
  });
  return (
    c.truth.filter((t, i) => majority[i] !== undefined && mapping.get(t.speaker) === majority[i]).length /
    c.truth.length
  );
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Real parts throughout: Whisper tiny.en (CTranslate2) in the ASR worker, Silero VAD, the project's
// speaker embedding, PostgreSQL, Redis, and the coordinator, emotion and rag apps (MiniLM). Audio is
// espeak-ng speech: a conversation of two voices, en+m3 and en+f3.
describe('transcription service on real models, Postgres, coordinator, emotion and rag', { timeout: 180_000 }, () => {
  let pool: pg.Pool;
  let models: Models;
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  let emotion: Served;
  let rag: Served;
  let svc: Transcription;
  let talk: Conversation;
  let wav: Buffer;
  const auth = async (user?: string) => ({ authorization: `Bearer ${await svc.token(user)}` });
  const get = async (path: string, user?: string, target = svc) =>
    fetch(`${target.url}${path}`, { headers: await auth(user) });
  const upload = async (body: Buffer, query = '', target = svc, type = 'audio/wav') =>
    fetch(`${target.url}/v1/transcriptions${query}`, {
      method: 'POST',
      headers: { ...(await auth()), 'content-type': type },
      body,
    });
  const finished = (id: string, target = svc) =>
    until(
      async () => (await (await get(`/v1/transcriptions/${id}`, undefined, target)).json()) as TranscriptBody,
      (t) => t.status === 'completed' || t.status === 'failed',
    );

  beforeAll(async () => {
    pool = pgPool(inject('postgresUrl'));
    talk = conversation(['en+m3', 'en+f3'], 6);
    wav = encodeWav(talk.audio);
    [models, coordinator, emotion, rag] = await Promise.all([
      sharedModels(),
      startCoordinator(inject('redisUrl'), pool),
      startEmotion(),
      startRag(inject('postgresUrl')),
    ]);
    svc = await startTranscription(
      {
        NEMO_POSTGRES_URL: inject('postgresUrl'),
        NEMO_COORDINATOR_URL: coordinator.url,
        NEMO_EMOTION_URL: emotion.url,
        NEMO_RAG_URL: rag.url,
        NEMO_ASR_LEASE_DEADLINE_MS: '20000',
      },
      models,
    );
  }, 240_000);
  afterAll(async () => {
    await svc?.close();
    await Promise.all([emotion?.close(), rag?.close(), coordinator?.close()]);
    await Promise.all([models?.asr.close(), models?.vad.dispose()]);
    await pool?.end();
  });

  let fileText = '';
  let fileId = '';
  it('transcribes an uploaded WAV as a job: progress and segments over SSE, two speakers, bounded WER', async () => {
    const res = await upload(wav, '?filename=meeting.wav');
    expect(res.status).toBe(202);
    const queued = (await res.json()) as TranscriptBody;
    expect(res.headers.get('location')).toBe(`/v1/transcriptions/${queued.id}`);
    const events = await readSse(await get(`/v1/transcriptions/${queued.id}/events`));
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('status');
    expect(kinds.at(-1)).toBe('completed');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data as { processedSeconds: number });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]!.processedSeconds).toBeLessThan(talk.audio.length / 16000);
    expect(kinds.filter((k) => k === 'segment').length).toBeGreaterThanOrEqual(talk.texts.length);
    const t = events.at(-1)!.data as TranscriptBody;
    const rate = wer([{ reference: talk.texts.join(' '), hypothesis: t.text }]);
    const right = turnsRight(talk, t.segments);
    console.log(`[transcription] file: WER ${pct(rate)}, speakers ${t.speakers.join(',')}, turns right ${pct(right)}`);
    expect(t.speakers).toEqual(['speaker_1', 'speaker_2']);
    expect(right).toBeGreaterThanOrEqual(0.8);
    expect(rate).toBeLessThanOrEqual(0.15);
    expect(t.durationSeconds).toBeCloseTo(talk.audio.length / 16000, 2);
    for (const s of t.segments) expect(s.confidence).toBeGreaterThan(0);
    fileText = t.text;
    fileId = t.id;
  });

  it('exports the transcript as text, SRT, WebVTT and JSON', async () => {
    const txt = await (await get(`/v1/transcriptions/${fileId}/export?format=txt`)).text();
    expect(txt.split('\n')[0]).toMatch(/^speaker_1: /);
    const srt = await get(`/v1/transcriptions/${fileId}/export?format=srt`);
    expect(srt.headers.get('content-disposition')).toBe(`attachment; filename="transcript-${fileId}.srt"`);
    expect(await srt.text()).toMatch(/^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n\[speaker_1\] /);
    expect(await (await get(`/v1/transcriptions/${fileId}/export?format=vtt`)).text()).toMatch(
      /^WEBVTT\n\n.*\n<v speaker_1>/,
    );
    const json = (await (await get(`/v1/transcriptions/${fileId}/export?format=json`)).json()) as TranscriptBody;
    expect(json.text).toBe(fileText);
    expect((await get(`/v1/transcriptions/${fileId}/export?format=docx`)).status).toBe(400);
  });

  it('stores segments in PostgreSQL, sends them to emotion and the transcript to rag', async () => {
    const t = await until(
      async () => (await (await get(`/v1/transcriptions/${fileId}`)).json()) as TranscriptBody,
      (v) => v.enrichment.emotion.state === 'done' && v.enrichment.rag.state === 'done',
    );
    expect(t.enrichment).toMatchObject({ emotion: { state: 'done' }, rag: { state: 'done' } });
    expect(t.segments.every((s) => s.emotion && typeof s.emotion.label === 'string')).toBe(true);
    const { rows } = await pool.query<{ n: string; labelled: string }>(
      'SELECT count(*) AS n, count(emotion) AS labelled FROM transcription_segments WHERE transcript_id = $1',
      [fileId],
    );
    expect(Number(rows[0]!.n)).toBe(t.segments.length);
    expect(Number(rows[0]!.labelled)).toBe(t.segments.length);
    const search = await fetch(`${rag.url}/v1/search`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await gatewaySigner.token('rag', 'alice', 'acme')}`,
      },
      body: JSON.stringify({ query: 'review the budget on Monday', topK: 3 }),
    });
    const hits = (await search.json()) as { results: { citation: { documentId: string; speakers?: string[] } }[] };
    expect(hits.results.map((r) => r.citation.documentId)).toContain(fileId);
  });

  it('keeps transcripts to their owner: another user gets 404, and the list is per user', async () => {
    expect((await get(`/v1/transcriptions/${fileId}`, 'mallory')).status).toBe(404);
    expect((await get(`/v1/transcriptions/${fileId}/export?format=txt`, 'mallory')).status).toBe(404);
    const mine = (await (await get('/v1/transcriptions')).json()) as { transcripts: { id: string }[] };
    expect(mine.transcripts.map((t) => t.id)).toContain(fileId);
    const theirs = (await (await get('/v1/transcriptions', 'mallory')).json()) as { transcripts: unknown[] };
    expect(theirs.transcripts).toEqual([]);
  });

  it('refuses what it cannot take with clear 4xx answers', async () => {
    const message = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;
    const fakeMp3 = await upload(Buffer.from('ID3 this is an mp3, honest'), '', svc, 'audio/mpeg');
    expect(fakeMp3.status).toBe(400);
    expect(await message(fakeMp3)).toMatch(/could not be read: .*Send WAV, MP3, M4A\/AAC/);
    const text = await upload(Buffer.from('just some text, no audio'), '', svc, 'application/octet-stream');
    expect(text.status).toBe(400);
    expect(await message(text)).toMatch(/not audio this service reads\. Send WAV, MP3/);
    expect((await upload(wav, '', svc, 'text/plain')).status).toBe(415);
    expect((await upload(wav, '?speakers=99')).status).toBe(400);
    expect((await fetch(`${svc.url}/v1/transcriptions`, { method: 'POST', body: wav })).status).toBe(401);
    const big = await fetch(`${svc.url}/v1/transcriptions`, {
      method: 'POST',
      headers: { ...(await auth()), 'content-type': 'audio/wav', 'content-length': String(200 * 1024 * 1024) },
      body: Buffer.alloc(16),
    }).catch(() => undefined);
    if (big) expect(big.status).toBe(413);
  });

  it('answers OpenAI clients: json, verbose_json with speakers, and SRT', async () => {
    const client = new OpenAI({ baseURL: `${svc.url}/v1`, apiKey: await svc.token(), maxRetries: 0 });
    const file = await toFile(wav, 'meeting.wav', { type: 'audio/wav' });
    const plain = await client.audio.transcriptions.create({ model: 'whisper-1', file });
    expect(wer([{ reference: fileText, hypothesis: plain.text }])).toBeLessThanOrEqual(0.05);
    const verbose = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(wav, 'meeting.wav'),
      response_format: 'verbose_json',
    });
    expect(verbose.duration).toBeCloseTo(talk.audio.length / 16000, 2);
    expect(new Set(verbose.segments?.map((s) => (s as unknown as { speaker: string }).speaker))).toEqual(
      new Set(['speaker_1', 'speaker_2']),
    );
    const srt = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(wav, 'meeting.wav'),
      response_format: 'srt',
    });
    expect(String(srt)).toMatch(/^1\n00:00:00,\d{3} --> /);
  });

  it('reads MP3, M4A and OGG/Opus uploads as well as WAV, through both routes', async () => {
    const client = new OpenAI({ baseURL: `${svc.url}/v1`, apiKey: await svc.token(), maxRetries: 0 });
    const reference = talk.texts.join(' ');
    const mp3 = encodeAudio(models.asr.python, talk.audio, 'mp3');
    const viaOpenAi = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(mp3, 'meeting.mp3', { type: 'audio/mpeg' }),
      response_format: 'verbose_json',
    });
    expect(viaOpenAi.duration).toBeCloseTo(talk.audio.length / 16000, 1);
    for (const [format, type] of [
      ['m4a', 'audio/mp4'],
      ['ogg', 'audio/ogg'],
    ] as const) {
      const res = await upload(encodeAudio(models.asr.python, talk.audio, format), '?filename=meeting', svc, type);
      expect(res.status).toBe(202);
      const done = await finished(((await res.json()) as TranscriptBody).id);
      expect(done.status).toBe('completed');
      const hypothesis = done.segments.map((seg) => seg.text).join(' ');
      console.log(`WER on ${format}: ${pct(wer([{ reference, hypothesis }]))}`);
      expect(wer([{ reference, hypothesis }])).toBeLessThanOrEqual(0.15);
    }
    console.log(`WER on mp3 (OpenAI route): ${pct(wer([{ reference, hypothesis: viaOpenAi.text }]))}`);
    expect(wer([{ reference, hypothesis: viaOpenAi.text }])).toBeLessThanOrEqual(0.15);
  });

  it('gives 429 with Retry-After when the coordinator has no GPU for it', async () => {
    const held = await coordinator.holder.acquire({ workload: 'llm', class: 'interactive', expectedMs: 60_000 });
    const hurried = await startTranscription(
      { NEMO_COORDINATOR_URL: coordinator.url, NEMO_ASR_LEASE_DEADLINE_MS: '300', NEMO_EMOTION: 'false' },
      models,
    );
    try {
      const form = new FormData();
      form.append('model', 'whisper-1');
      form.append('file', new Blob([wav], { type: 'audio/wav' }), 'a.wav');
      const res = await fetch(`${hurried.url}/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await hurried.token()}` },
        body: form,
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await held.release();
      await hurried.close();
    }
  });

  it('streams live over WebSocket: partials before the audio ends, finals close to the file output', async () => {
    const url = `${svc.url.replace('http', 'ws')}/v1/live?language=en`;
    const run = await streamLive(url, await auth(), talk.audio, { chunkMs: 100, speed: 1 });
    const partials = run.messages.filter((m) => m.type === 'partial');
    const finals = run.messages.filter((m) => m.type === 'final').map((m) => m.segment as Segment);
    const done = run.messages.find((m) => m.type === 'done');
    const liveText = finals.map((s) => s.text).join(' ');
    const vsFile = wer([{ reference: fileText, hypothesis: liveText }]);
    const vsTruth = wer([{ reference: talk.texts.join(' '), hypothesis: liveText }]);
    const firstPartial = partials[0]?.at ?? Infinity;
    console.log(
      `[transcription] live: ${partials.length} partials (first at ${(firstPartial / 1000).toFixed(1)} s, audio ended at ` +
        `${(run.audioEndedAt / 1000).toFixed(1)} s), ${finals.length} finals, WER ${pct(vsTruth)} (vs file ${pct(vsFile)}), ` +
        `turns right ${pct(turnsRight(talk, finals))}`,
    );
    expect(run.messages[0]).toMatchObject({ type: 'ready' });
    expect(firstPartial).toBeLessThan(run.audioEndedAt);
    expect(finals.length).toBeGreaterThanOrEqual(talk.texts.length);
    // Measured 13.0% against the text and 13.0% against the file's output: the stream decodes each
    // utterance alone (prompted with the text before it), the file decodes up to 28 s at once.
    expect(vsTruth).toBeLessThanOrEqual(0.2);
    expect(vsFile).toBeLessThanOrEqual(0.2);
    expect(turnsRight(talk, finals)).toBeGreaterThanOrEqual(0.8);
    expect(done).toMatchObject({ id: expect.any(String) as unknown });
    expect(run.closeCode).toBe(1000);
    const stored = await finished(done!.id as string);
    expect(stored.segments.length).toBe(finals.length);
    expect(run.messages.some((m) => m.type === 'emotion')).toBe(true);
  });

  it('refuses a live stream without a user token, or at another sample rate', async () => {
    const url = `${svc.url.replace('http', 'ws')}/v1/live`;
    expect((await refusedUpgrade(url, {})).status).toBe(401);
    const wrongRate = await refusedUpgrade(`${url}?sampleRate=44100`, await auth());
    expect(wrongRate.status).toBe(400);
    expect(wrongRate.body).toContain('16 kHz');
  });

  it('completes a transcript with emotion down, marks the enrichment pending, and retries it later', async () => {
    const port = await freePort();
    const solo = await startTranscription(
      {
        NEMO_POSTGRES_URL: inject('postgresUrl'),
        NEMO_EMOTION_URL: `http://127.0.0.1:${port}`,
        NEMO_RAG_INDEXING: 'false',
        NEMO_ENRICHMENT_RETRY_MS: '500',
        NEMO_DIARIZATION: 'false',
      },
      models,
    );
    let late: Served | undefined;
    try {
      const short = encodeWav(talk.clips[0]!);
      const queued = (await (await upload(short, '', solo)).json()) as TranscriptBody;
      const t = await finished(queued.id, solo);
      expect(t.status).toBe('completed');
      expect(t.text.length).toBeGreaterThan(0);
      expect(t.enrichment.emotion).toMatchObject({ state: 'pending', lastError: 'NEMO_ERR_UNAVAILABLE' });
      expect(t.enrichment.rag.state).toBe('disabled');
      late = await startEmotion(port);
      const retried = await until(
        async () => (await (await get(`/v1/transcriptions/${queued.id}`, undefined, solo)).json()) as TranscriptBody,
        (v) => v.enrichment.emotion.state === 'done',
      );
      expect(retried.enrichment.emotion.state).toBe('done');
      expect(retried.segments[0]!.emotion).not.toBeNull();
    } finally {
      await solo.close();
      await late?.close();
    }
  });
});
