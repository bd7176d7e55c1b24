import { availableParallelism } from 'node:os';
import { conversation } from '@nemo/inference/testing';
import { expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav.js';
import type { Segment } from '../src/transcript.js';
import { readSse, streamLive } from '../test/support/clients.js';
import { sharedModels, startTranscription } from '../test/support/harness.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * The service beside the runtime it wraps, on one 6-turn espeak-ng conversation: a file job
 * end to end (upload, VAD, diarization, decoding, SSE) against the recognizer called directly,
 * and the latency of each live final after its utterance's audio was sent, against decoding
 * that utterance directly. Prints; asserts nothing about time.
 */
it('prints transcription timings beside the raw recognizer', async () => {
  const models = await sharedModels();
  const svc = await startTranscription({ NEMO_EMOTION: 'false', NEMO_RAG_INDEXING: 'false' }, models);
  const talk = conversation(['en+m3', 'en+f3'], 6);
  const seconds = talk.audio.length / 16000;
  const wav = encodeWav(talk.audio);
  const headers = { authorization: `Bearer ${await svc.token()}` };
  const rows: string[] = [];
  let fileBest = Infinity;
  let rawBest = Infinity;
  for (let round = 0; round < 3; round++) {
    let started = performance.now();
    await models.asr.transcribe(talk.audio, { language: 'en' });
    rawBest = Math.min(rawBest, performance.now() - started);
    started = performance.now();
    const res = await fetch(`${svc.url}/v1/transcriptions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'audio/wav' },
      body: wav,
    });
    const { id } = (await res.json()) as { id: string };
    await readSse(await fetch(`${svc.url}/v1/transcriptions/${id}/events`, { headers }));
    fileBest = Math.min(fileBest, performance.now() - started);
  }
  rows.push(
    `file job (upload, VAD, diarization, decode, SSE), ${seconds.toFixed(1)} s audio: RTF ${(fileBest / 1000 / seconds).toFixed(3)}, ` +
      `recognizer alone ${(rawBest / 1000 / seconds).toFixed(3)}, ratio ${(rawBest / fileBest).toFixed(2)} (raw/ours)`,
  );
  const run = await streamLive(`${svc.url.replace('http', 'ws')}/v1/live?language=en`, headers, talk.audio, {
    chunkMs: 100,
    speed: 1,
  });
  const finals = run.messages.filter((m) => m.type === 'final');
  // At real-time pacing, audio time t was sent t seconds after the stream opened.
  const latency = finals.map((m) => m.at - (m.segment as Segment).end * 1000);
  const direct: number[] = [];
  for (const clip of talk.clips) {
    const started = performance.now();
    await models.asr.transcribe(clip, { language: 'en' });
    direct.push(performance.now() - started);
  }
  rows.push(
    `live final after its audio: median ${median(latency).toFixed(0)} ms, max ${Math.max(...latency).toFixed(0)} ms ` +
      `(0.5 s of it is the silence that ends an utterance); decoding an utterance directly: median ${median(direct).toFixed(0)} ms`,
  );
  console.log(`\nNemo transcription benchmark (${availableParallelism()} CPUs)\n${rows.join('\n')}\n`);
  await svc.close();
  await Promise.all([models.asr.close(), models.vad.dispose()]);
  expect(finals.length).toBeGreaterThan(0);
}, 600_000);
