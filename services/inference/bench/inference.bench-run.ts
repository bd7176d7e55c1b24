import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaCompletion } from 'node-llama-cpp';
import { expect, it } from 'vitest';
import { asrPython, DEFAULT_ASR_MODEL, SpeechRecognizer, toPcm16 } from '../src/asr.js';
import { resolveModel } from '../src/catalog.js';
import { diarize } from '../src/diarization.js';
import { conversation } from '../src/testing/conversation.js';
import { SAMPLE_RATE } from '../src/testing/speech.js';
import { SileroVad } from '../src/vad.js';
import { EmotionClassifier, startEmotion } from '../src/emotion.js';
import { DEFAULT_EMBEDDING_MODEL, startEmbeddings } from '../src/embeddings.js';
import { ChatModel, DEFAULT_CHAT_MODEL } from '../src/llm.js';
import { SentenceEncoder } from '../src/sentence-encoder.js';
import { relatedPairs, unrelatedPairs } from '../src/testdata/sentence-pairs.js';

const texts = [...relatedPairs, ...unrelatedPairs].flat();
const rows: string[] = [];

function report(what: string, ours: number, raw: number, unit: string): void {
  rows.push(
    `${what.padEnd(44)} ours ${ours.toFixed(1).padStart(8)} ${unit}   raw ${raw.toFixed(1).padStart(8)} ${unit}   ratio ${(ours / raw).toFixed(2)}`,
  );
}

/** Items per second with `callers` concurrent callers, each sending one text at a time. */
async function throughput(call: (t: string) => Promise<unknown>, callers: number, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) await call(texts[next++ % texts.length]!);
  };
  await Promise.all(Array.from({ length: callers }, worker));
  return total / ((performance.now() - started) / 1000);
}

/** Texts per timed run: about a second of work, so a moment of load from elsewhere cannot decide a ratio. */
const TEXTS_PER_RUN = 512;

/** Rounds per caller count. With four, the raw runtime's 8-caller rate alone ranged from 284 to 422 texts/s across runs. */
const TEXT_ROUNDS = 6;

/** Alternates raw and ours, TEXT_ROUNDS rounds per caller count, and keeps each one's best: load from other processes then hits both alike. */
async function compare(
  what: string,
  ours: (t: string) => Promise<unknown>,
  raw: (t: string) => Promise<unknown>,
): Promise<void> {
  await throughput(raw, 1, 16);
  await throughput(ours, 1, 16);
  for (const callers of [1, 8]) {
    let [r, o] = [0, 0];
    for (let round = 0; round < TEXT_ROUNDS; round++) {
      // Each goes first in half the rounds, as in benchLlm.
      const first = round % 2 === 0;
      if (first) r = Math.max(r, await throughput(raw, callers, TEXTS_PER_RUN));
      o = Math.max(o, await throughput(ours, callers, TEXTS_PER_RUN));
      if (!first) r = Math.max(r, await throughput(raw, callers, TEXTS_PER_RUN));
    }
    report(`${what}, ${callers} caller${callers > 1 ? 's' : ''} (best of ${TEXT_ROUNDS})`, o, r, 'texts/s');
  }
}

// The raw runtime call: the graph as exported, one padded row per text, one
// session.run per call; ours adds micro-batching and packed rows.
const RAW = { pack: false } as const;

async function benchEmbeddings(): Promise<void> {
  const [raw, ours] = await Promise.all([
    SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL, RAW),
    SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL),
  ]);
  const server = await startEmbeddings();
  await compare(
    'embeddings (all-MiniLM-L6-v2)',
    (t) => server.infer(t),
    (t) => raw.run([t]),
  );
  rows.push(`  largest micro-batch: ${Math.max(...server.batchHistory)}`);
  await benchMixedLengths(raw, ours);
  await Promise.all([server.close(), raw.dispose(), ours.dispose()]);
}

/**
 * One call with 32 texts of 10 to 128 tokens, as rag sends document chunks:
 * ours packs them into shared rows, the raw runtime pads all to the longest.
 */
async function benchMixedLengths(raw: SentenceEncoder, ours: SentenceEncoder): Promise<void> {
  const chunks = Array.from({ length: 32 }, (_, i) => texts.slice(0, 1 + ((i * 7) % 24)).join(' '));
  const timed = async (encoder: SentenceEncoder) => {
    const started = performance.now();
    await encoder.run(chunks);
    return chunks.length / ((performance.now() - started) / 1000);
  };
  let [r, o] = [0, 0];
  for (let round = 0; round < 4; round++) {
    if (round % 2 === 0) r = Math.max(r, await timed(raw));
    o = Math.max(o, await timed(ours));
    if (round % 2 === 1) r = Math.max(r, await timed(raw));
  }
  report('embeddings, 32 mixed-length texts per call', o, r, 'texts/s');
}

async function benchEmotion(): Promise<void> {
  const classifier = await EmotionClassifier.load(DEFAULT_EMBEDDING_MODEL, RAW);
  const server = await startEmotion();
  await compare(
    'emotion (MiniLM prototypes)',
    (t) => server.infer(t),
    (t) => classifier.run([t]),
  );
  await Promise.all([server.close(), classifier.dispose()]);
}

const prompt = 'Write a short story about a lighthouse keeper who finds a message in a bottle.';
// Long enough that a moment of load from elsewhere on the machine does not decide the ratio.
const maxTokens = 128;

interface Timing {
  readonly tps: number;
  readonly ttft: number;
}

async function rawLlm(): Promise<{ run: () => Promise<Timing>; close: () => Promise<void> }> {
  const resolved = await resolveModel(DEFAULT_CHAT_MODEL);
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
  const model = await llama.loadModel({ modelPath: resolved.file('model.gguf') });
  const context = await model.createContext({ contextSize: 1024, threads: Math.min(availableParallelism(), 4) });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const run = async () => {
    const started = performance.now();
    let first = 0;
    let n = 0;
    await completion.generateCompletion(prompt, {
      maxTokens,
      temperature: 0,
      onToken: (t) => {
        if (n === 0) first = performance.now();
        n += t.length;
      },
    });
    const total = performance.now() - started;
    return { tps: n / ((total - (first - started)) / 1000), ttft: first - started };
  };
  return { run, close: () => context.dispose().then(() => model.dispose()) };
}

async function ourLlm(): Promise<{ run: () => Promise<Timing>; close: () => Promise<void> }> {
  const chat = await ChatModel.load();
  const run = async () => {
    const g = await chat.complete(prompt, { maxTokens });
    return { tps: g.tokens / ((g.totalMs - g.ttftMs) / 1000), ttft: g.ttftMs };
  };
  return { run, close: () => chat.dispose() };
}

/**
 * Alternates raw and ours so that load from other processes hits both alike;
 * keeps each one's best. Eight rounds: on this 2-core machine single samples
 * of time to first token spread from 16 to 66 ms, for raw and ours alike, so
 * a best of 4 still differed by a millisecond from run to run.
 */
async function benchLlm(rounds = 8): Promise<void> {
  const raw = await rawLlm();
  const ours = await ourLlm();
  const best = { raw: { tps: 0, ttft: Infinity }, ours: { tps: 0, ttft: Infinity } };
  for (let i = 0; i < rounds; i += 1) {
    // Each goes first in half the rounds: whichever runs second finds caches warm.
    const order = [
      ['raw', raw],
      ['ours', ours],
    ] as const;
    for (const [key, impl] of i % 2 === 0 ? order : [...order].reverse()) {
      const t = await impl.run();
      best[key] = { tps: Math.max(best[key].tps, t.tps), ttft: Math.min(best[key].ttft, t.ttft) };
    }
  }
  await Promise.all([raw.close(), ours.close()]);
  report(`LLM Gemma 3 270M Q4_K_M decode (best of ${rounds})`, best.ours.tps, best.raw.tps, 'tok/s');
  const ttft = `ours ${best.ours.ttft.toFixed(0).padStart(8)} ms      raw ${best.raw.ttft.toFixed(0).padStart(8)} ms`;
  rows.push(
    `${`LLM time to first token (best of ${rounds})`.padEnd(44)} ${ttft}      ratio ${(best.raw.ttft / best.ours.ttft).toFixed(2)} (raw/ours)`,
  );
}

/** faster-whisper called in-process by a bare Python script, the same options as the worker's: the raw runtime. */
const RAW_ASR = `
import sys, time, ctranslate2, numpy as np
from faster_whisper import WhisperModel
model_dir, pcm_path, threads, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
m = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1, local_files_only=True)
audio = np.fromfile(pcm_path, dtype="<i2").astype(np.float32) / 32768.0
list(m.transcribe(np.zeros(16000, dtype=np.float32), language="en")[0])
for _ in range(rounds):
    ctranslate2.set_random_seed(0)
    t = time.monotonic()
    list(m.transcribe(audio, language="en", beam_size=5, vad_filter=False)[0])
    print(time.monotonic() - t, flush=True)
`;

/**
 * Alternates the bare script and ours, as benchLlm does, and keeps each one's
 * best. Eight rounds: with four, the ratio moved between 0.92 and 1.06 from
 * run to run on this machine while both sides ran the same CTranslate2 call.
 */
async function benchAsr(rounds = 8): Promise<void> {
  const threads = Math.min(availableParallelism(), 4);
  const talk = conversation(['en+m3', 'en+f3'], 6);
  const seconds = talk.audio.length / SAMPLE_RATE;
  const dir = mkdtempSync(join(tmpdir(), 'nemo-asr-bench-'));
  const pcm = join(dir, 'talk.pcm');
  writeFileSync(pcm, Buffer.from(toPcm16(talk.audio).buffer));
  const python = await asrPython();
  const model = await resolveModel(DEFAULT_ASR_MODEL);
  const asr = await SpeechRecognizer.start(DEFAULT_ASR_MODEL, { python, threads });
  // The bare script loads the model each time; only its transcribe call is timed.
  const raw = () =>
    Number(execFileSync(python, ['-c', RAW_ASR, model.dir, pcm, String(threads), '1'], { encoding: 'utf8' }).trim());
  const ours = async () => {
    const started = performance.now();
    await asr.transcribe(talk.audio, { language: 'en' });
    return (performance.now() - started) / 1000;
  };
  let [bestRaw, bestOurs] = [Infinity, Infinity];
  for (let i = 0; i < rounds; i += 1) {
    if (i % 2 === 0) bestRaw = Math.min(bestRaw, raw());
    bestOurs = Math.min(bestOurs, await ours());
    if (i % 2 === 1) bestRaw = Math.min(bestRaw, raw());
  }
  await asr.close();
  rmSync(dir, { recursive: true, force: true });
  rows.push(
    `${`ASR Whisper tiny.en real-time factor (${seconds.toFixed(1)} s, best of ${rounds})`.padEnd(44)} ours ${(bestOurs / seconds).toFixed(3).padStart(8)}          raw ${(bestRaw / seconds).toFixed(3).padStart(8)}          ratio ${(bestRaw / bestOurs).toFixed(2)} (raw/ours)`,
  );
  const vad = await SileroVad.load();
  const speech = await vad.segments(talk.audio, { minSilenceMs: 300 });
  const started = performance.now();
  await diarize(talk.audio, speech);
  const diarizeSeconds = (performance.now() - started) / 1000;
  await vad.dispose();
  rows.push(
    `${'Diarization (features + clustering)'.padEnd(44)} ${(diarizeSeconds * 1000).toFixed(0)} ms, ${((diarizeSeconds / bestOurs) * 100).toFixed(1)}% of ASR time`,
  );
}

it('prints inference throughput beside the raw runtime', async () => {
  await benchEmbeddings();
  await benchEmotion();
  await benchLlm();
  await benchAsr();
  console.log(
    `\nNemo inference benchmark (${availableParallelism()} CPUs, CPU execution provider)\n${rows.join('\n')}\n`,
  );
  expect(rows.length).toBeGreaterThan(0);
});
