import { clusterEmbeddings } from './clustering.js';
import {
  cosineSimilarity,
  embedFrames,
  FRAMES_PER_SECOND,
  frameFeaturesAsync,
  type FrameFeatures,
} from './speaker-embedding.js';
import type { SpeechSegment } from './vad.js';

/** A stretch of audio given to one speaker; times in seconds. */
export interface SpeakerTurn {
  readonly start: number;
  readonly end: number;
  readonly speaker: string;
}

export interface DiarizationOptions {
  /** Average cosine similarity at or above which windows are one speaker (default 0.7). */
  readonly threshold?: number;
  /** Upper bound on the speakers found. */
  readonly maxSpeakers?: number;
  /** The number of speakers, when the caller knows it. */
  readonly speakers?: number;
  /** Length of the windows each speech segment is cut into (default 1.5 s). */
  readonly windowSeconds?: number;
}

export interface Diarization {
  /** Turns in time order, one per run of windows of one speaker within a speech segment. */
  readonly turns: SpeakerTurn[];
  /** Speaker labels in order of first appearance. */
  readonly speakers: string[];
}

interface Window {
  readonly start: number;
  readonly end: number;
  readonly segment: number;
  readonly embedding: Float32Array | undefined;
}

/**
 * Measured on espeak-ng conversations (10 turns, Silero VAD segments): a man
 * and a woman split at any threshold from 0.5 to 0.8; en+m7/en+m3 need 0.6,
 * en+f1/en+f3 0.7, en+m1/en+m3 0.75; at 0.8 one voice alone (en+m1) starts to
 * split. 0.7 keeps a margin on the side of never splitting one speaker.
 */
export const DEFAULT_SPEAKER_THRESHOLD = 0.7;
const FRAME_OFFSET_SECONDS = 0.02; // a frame's centre sits 320 samples after its start

export const speakerLabel = (index: number): string => `speaker_${index + 1}`;

/**
 * Who spoke when: each speech segment (from the VAD) is cut into windows,
 * each window gets a speaker embedding, and the windows are clustered by
 * average-linkage agglomeration. Windows with too little voiced sound take
 * the label of their nearest neighbour in time. Feature extraction lets the
 * event loop through every 2 s of audio.
 */
export async function diarize(
  audio: Float32Array,
  speech: readonly SpeechSegment[],
  options: DiarizationOptions & { signal?: AbortSignal } = {},
): Promise<Diarization> {
  const features = await frameFeaturesAsync(audio, options.signal);
  const windows = windowsOf(speech, features, options.windowSeconds ?? 1.5);
  const embedded = windows.filter((w) => w.embedding);
  const clusters = clusterEmbeddings(
    embedded.map((w) => w.embedding!),
    clusterOptions(options),
  );
  const labels = new Map(embedded.map((w, i) => [w, clusters[i]!]));
  const labelled = windows.map((w) => ({ ...w, cluster: labels.get(w) ?? nearestLabel(w, embedded, labels) }));
  const turns = mergeTurns(labelled.filter((w) => w.cluster >= 0));
  return { turns, speakers: [...new Set(turns.map((t) => t.speaker))] };
}

function clusterOptions(options: DiarizationOptions) {
  return {
    threshold: options.threshold ?? DEFAULT_SPEAKER_THRESHOLD,
    ...(options.maxSpeakers !== undefined ? { maxClusters: options.maxSpeakers } : {}),
    ...(options.speakers !== undefined ? { clusters: options.speakers } : {}),
  };
}

function windowsOf(speech: readonly SpeechSegment[], features: FrameFeatures, length: number): Window[] {
  return speech.flatMap((seg, segment) => {
    const start = seg.startMs / 1000;
    const end = seg.endMs / 1000;
    const count = Math.max(1, Math.round((end - start) / length));
    const step = (end - start) / count;
    return Array.from({ length: count }, (_, i) => {
      const from = start + i * step;
      const to = i === count - 1 ? end : from + step;
      const frames = [frameAt(from), frameAt(to)] as const;
      return { start: from, end: to, segment, embedding: embedFrames(features, frames[0], frames[1], 10) };
    });
  });
}

const frameAt = (seconds: number): number =>
  Math.max(0, Math.round((seconds - FRAME_OFFSET_SECONDS) * FRAMES_PER_SECOND));

function nearestLabel(w: Window, embedded: readonly Window[], labels: Map<Window, number>): number {
  let best: Window | undefined;
  for (const e of embedded) {
    if (!best || distance(w, e) < distance(w, best)) best = e;
  }
  return best ? labels.get(best)! : -1;
}

const distance = (a: Window, b: Window): number => Math.abs(a.start + a.end - b.start - b.end) / 2;

/** Consecutive windows of one speaker in one speech segment become one turn; labels follow first appearance. */
function mergeTurns(windows: readonly (Window & { cluster: number })[]): SpeakerTurn[] {
  const order = new Map<number, string>();
  const turns: (SpeakerTurn & { segment: number })[] = [];
  for (const w of [...windows].sort((a, b) => a.start - b.start)) {
    if (!order.has(w.cluster)) order.set(w.cluster, speakerLabel(order.size));
    const speaker = order.get(w.cluster)!;
    const last = turns.at(-1);
    if (last && last.speaker === speaker && last.segment === w.segment)
      turns[turns.length - 1] = { ...last, end: w.end };
    else turns.push({ start: w.start, end: w.end, speaker, segment: w.segment });
  }
  return turns.map(({ start, end, speaker }) => ({ start, end, speaker }));
}

/** The speaker who holds most of [start, end), or undefined when no turn overlaps it. */
export function speakerAt(turns: readonly SpeakerTurn[], start: number, end: number): string | undefined {
  const overlap = new Map<string, number>();
  for (const t of turns) {
    const o = Math.min(end, t.end) - Math.max(start, t.start);
    if (o > 0) overlap.set(t.speaker, (overlap.get(t.speaker) ?? 0) + o);
  }
  let best: string | undefined;
  for (const [speaker, o] of overlap) if (best === undefined || o > overlap.get(best)!) best = speaker;
  if (best !== undefined || turns.length === 0) return best;
  // In a gap between turns: the nearest turn's speaker.
  const mid = (start + end) / 2;
  return turns.reduce((a, b) => (gap(a, mid) <= gap(b, mid) ? a : b)).speaker;
}

const gap = (t: SpeakerTurn, at: number): number => (at < t.start ? t.start - at : at > t.end ? at - t.end : 0);

export interface TrackerOptions {
  readonly threshold?: number;
  readonly maxSpeakers?: number;
  /** Embeddings kept per speaker for re-identification (the most recent ones). */
  readonly window?: number;
}

/**
 * Speaker labels for a live stream: each new segment's embedding is compared
 * with the recent embeddings of every speaker seen so far (the
 * re-identification window) and takes the closest label at or above the
 * threshold, or a new one while fewer than maxSpeakers exist.
 */
export class SpeakerTracker {
  private readonly recent: Float32Array[][] = [];

  constructor(private readonly options: TrackerOptions = {}) {}

  get speakers(): number {
    return this.recent.length;
  }

  /** The label for this embedding (undefined embedding: the most recent speaker, or speaker_1). */
  assign(embedding: Float32Array | undefined): string {
    if (!embedding) return speakerLabel(Math.max(0, this.lastIndex));
    const scores = this.recent.map((list) => mean(list.map((e) => cosineSimilarity(e, embedding))));
    const best = scores.reduce((b, s, i) => (s > (scores[b] ?? -Infinity) ? i : b), -1);
    const threshold = this.options.threshold ?? DEFAULT_SPEAKER_THRESHOLD;
    const room = this.recent.length < (this.options.maxSpeakers ?? 8);
    const index = best >= 0 && (scores[best]! >= threshold || !room) ? best : this.recent.push([]) - 1;
    const list = this.recent[index]!;
    list.push(embedding);
    if (list.length > (this.options.window ?? 8)) list.shift();
    this.lastIndex = index;
    return speakerLabel(index);
  }

  private lastIndex = -1;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
