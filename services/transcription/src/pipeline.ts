import {
  ASR_SAMPLE_RATE,
  diarize,
  speakerAt,
  type AsrSegment,
  type SileroVad,
  type SpeakerTurn,
  type SpeechRecognizer,
  type SpeechSegment,
} from '@nemo/inference';
import type { Segment } from './transcript.js';

export interface PipelineDeps {
  readonly asr: SpeechRecognizer;
  readonly vad: SileroVad;
}

export interface PipelineOptions {
  readonly language?: string;
  readonly diarization: boolean;
  readonly maxSpeakers: number;
  /** The number of speakers, when the caller knows it. */
  readonly speakers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (processedSeconds: number, totalSeconds: number) => void;
  readonly onSegment?: (segment: Segment) => void;
  /**
   * Wraps the decoding (the GPU work) after VAD and diarization: the caller
   * holds its GPU lease around `work` and passes the lease's signal on.
   */
  readonly hold?: (work: (signal: AbortSignal | undefined) => Promise<void>) => Promise<void>;
}

export interface PipelineResult {
  readonly segments: Segment[];
  readonly speakers: string[];
  readonly language: string;
  readonly timings: { vadMs: number; diarizationMs: number; asrMs: number };
}

/** Chunks sent to Whisper stay under its 30 s window. */
const MAX_CHUNK_SECONDS = 28;

interface Chunk {
  readonly start: number;
  readonly end: number;
}

/**
 * A file, start to end: Silero VAD finds the speech, diarization labels it
 * (before decoding, so every segment leaves with its speaker), and Whisper
 * decodes the speech in chunks of consecutive VAD segments up to 28 s, with
 * progress after each decoded segment. Silence is never decoded. Only the
 * decoding runs inside `hold` (the GPU lease).
 */
export async function transcribeAudio(
  audio: Float32Array,
  deps: PipelineDeps,
  options: PipelineOptions,
): Promise<PipelineResult> {
  const t0 = performance.now();
  const speech = await deps.vad.segments(audio, { minSilenceMs: 300 });
  const t1 = performance.now();
  const turns = options.diarization ? await diarizeSpeech(audio, speech, options) : [];
  const t2 = performance.now();
  const out: Segment[] = [];
  let language = options.language ?? 'en';
  const hold = options.hold ?? ((work) => work(undefined));
  await hold(async (leaseSignal) => {
    const signal = anyOf(options.signal, leaseSignal);
    language = await decodeChunks(
      audio,
      { deps, options, turns, out, ...(signal ? { signal } : {}) },
      chunksOf(speech),
    );
  });
  const speakers = [...new Set(out.map((s) => s.speaker).filter((s): s is string => s !== null))];
  const timings = { vadMs: t1 - t0, diarizationMs: t2 - t1, asrMs: performance.now() - t2 };
  return { segments: out, speakers, language, timings };
}

interface DecodeContext {
  readonly deps: PipelineDeps;
  readonly options: PipelineOptions;
  readonly turns: readonly SpeakerTurn[];
  readonly out: Segment[];
  readonly signal?: AbortSignal;
}

/** Decodes the chunks in order; returns the language the decoder reported. */
async function decodeChunks(audio: Float32Array, ctx: DecodeContext, chunks: readonly Chunk[]): Promise<string> {
  const { deps, options, turns, out, signal } = ctx;
  const total = chunks.reduce((s, c) => s + c.end - c.start, 0);
  let done = 0;
  let language = options.language ?? 'en';
  for (const chunk of chunks) {
    signal?.throwIfAborted();
    const slice = audio.subarray(Math.floor(chunk.start * ASR_SAMPLE_RATE), Math.ceil(chunk.end * ASR_SAMPLE_RATE));
    const result = await deps.asr.transcribe(slice, {
      ...(options.language ? { language: options.language } : {}),
      wordTimestamps: turns.length > 0,
      ...(signal ? { signal } : {}),
      onProgress: (processed) => options.onProgress?.(done + processed, total),
      onSegment: (s) => {
        for (const seg of labelled(s, chunk.start, turns, out.length)) {
          out.push(seg);
          options.onSegment?.(seg);
        }
      },
    });
    language = result.language;
    done += chunk.end - chunk.start;
    options.onProgress?.(done, total);
  }
  return language;
}

function anyOf(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}

async function diarizeSpeech(
  audio: Float32Array,
  speech: readonly SpeechSegment[],
  options: PipelineOptions,
): Promise<SpeakerTurn[]> {
  const settings = options.speakers ? { speakers: options.speakers } : { maxSpeakers: options.maxSpeakers };
  return (await diarize(audio, speech, { ...settings, ...(options.signal ? { signal: options.signal } : {}) })).turns;
}

/** Consecutive VAD segments grouped into chunks of at most 28 s (a longer segment is cut). */
export function chunksOf(speech: readonly SpeechSegment[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const seg of speech) {
    let start = seg.startMs / 1000;
    const end = seg.endMs / 1000;
    const last = chunks.at(-1);
    if (last && end - last.start <= MAX_CHUNK_SECONDS) {
      chunks[chunks.length - 1] = { start: last.start, end };
      continue;
    }
    for (; end - start > MAX_CHUNK_SECONDS; start += MAX_CHUNK_SECONDS) {
      chunks.push({ start, end: start + MAX_CHUNK_SECONDS });
    }
    chunks.push({ start, end });
  }
  return chunks;
}

const confidenceOf = (s: AsrSegment): number => Math.min(1, Math.exp(s.avgLogprob));

/**
 * A decoded segment in file time, with its speaker. With word timestamps, a
 * segment that spans a change of speaker is split where the words change hands.
 */
export function labelled(s: AsrSegment, offset: number, turns: readonly SpeakerTurn[], firstId: number): Segment[] {
  const base = { confidence: confidenceOf(s), emotion: null };
  const text = s.text.trim();
  if (!text) return [];
  if (turns.length === 0 || s.words.length === 0) {
    const speaker = turns.length ? (speakerAt(turns, offset + s.start, offset + s.end) ?? null) : null;
    return [{ id: firstId, start: offset + s.start, end: offset + s.end, text, speaker, ...base }];
  }
  const groups: { speaker: string | null; words: AsrSegment['words'][number][] }[] = [];
  for (const w of s.words) {
    const speaker = speakerAt(turns, offset + w.start, offset + w.end) ?? null;
    const last = groups.at(-1);
    if (last && last.speaker === speaker) last.words.push(w);
    else groups.push({ speaker, words: [w] });
  }
  return groups.map((g, i) => ({
    id: firstId + i,
    start: offset + g.words[0]!.start,
    end: offset + g.words.at(-1)!.end,
    text: g.words
      .map((w) => w.word)
      .join('')
      .trim(),
    speaker: g.speaker,
    ...base,
  }));
}
