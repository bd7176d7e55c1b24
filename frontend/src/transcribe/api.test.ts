import { afterEach, describe, expect, it, vi } from 'vitest';
import { transcriptionApi, type Transcript } from './api.js';

const ID = 'ddabea82-dfb2-49e6-91cf-8a54c194ebcc';

const done = { id: ID, status: 'completed', durationSeconds: 16.7 } as Transcript;

const busy = () =>
  new Response(JSON.stringify({ error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'Too many requests.' } }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '1' },
  });

const events = (...lines: [string, object][]) =>
  new Response(lines.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });

describe('following a transcription job', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('waits out a busy answer, saying so, then reads the events to the end', async () => {
    const answers = [busy(), events(['progress', { processedSeconds: 8, totalSeconds: 16 }], ['completed', done])];
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (url: string) => (fetched.push(url), Promise.resolve(answers.shift())));
    const seen = { progress: [] as number[], busy: [] as number[] };

    const final = await transcriptionApi.follow(
      ID,
      {
        onProgress: (f) => seen.progress.push(f),
        onSegment: () => undefined,
        onBusy: (s) => seen.busy.push(s),
      },
      new AbortController().signal,
    );

    expect(final).toEqual(done);
    expect(seen).toEqual({ progress: [0.5], busy: [1] });
    expect(fetched).toEqual([
      `/api/transcription/v1/transcriptions/${ID}/events`,
      `/api/transcription/v1/transcriptions/${ID}/events`,
    ]);
  });
});
