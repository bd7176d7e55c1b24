import { Fft } from './fft.js';

/**
 * The project's own speaker embedding (catalog: speaker-stats-v1). No
 * registry here carries speaker-embedding weights (models/README.md), so this
 * is signal processing, not a trained network: per 10 ms frame, 19 liftered
 * MFCCs (40 log-mel bands, 20-7600 Hz) and the pitch (autocorrelation, 60-400
 * Hz); per span, the mean MFCC vector over voiced frames, unit length, plus
 * the median log-pitch relative to 150 Hz. Compared by cosine. It tells apart
 * voices whose vocal tract and pitch differ (espeak-ng's voices, men and
 * women); it is not robust to channel, noise or emotion the way an
 * x-vector/ECAPA network is.
 */
export const SPEAKER_EMBEDDING_MODEL = 'speaker-stats-v1';

const SAMPLE_RATE = 16000;
const HOP = 160;
const WINDOW = 400;
const MEL_FFT = 512;
const MELS = 40;
const CEPSTRA = 19;
const PITCH_WINDOW = 640;
const PITCH_FFT = 2048;
const MIN_LAG = SAMPLE_RATE / 400;
const MAX_LAG = Math.round(SAMPLE_RATE / 60);
/** Normalized autocorrelation a frame's pitch peak must reach to count as voiced. */
const VOICING = 0.5;
/** Mean square below which a frame is silence (RMS 0.01 of full scale). */
const SILENCE = 1e-4;
const PITCH_WEIGHT = 1.5;
const PITCH_REFERENCE_HZ = 150;

export const SPEAKER_EMBEDDING_DIMENSIONS = CEPSTRA + 1;
export const FRAMES_PER_SECOND = SAMPLE_RATE / HOP;

/** Per-frame features of a stretch of audio: frame i starts at sample i * 160. */
export interface FrameFeatures {
  /** Liftered MFCCs 1..19, frame after frame (length frames * 19). */
  readonly mfcc: Float32Array;
  /** Pitch in Hz per frame; 0 where the frame is unvoiced. */
  readonly f0: Float32Array;
  readonly frames: number;
}

const melFft = new Fft(MEL_FFT);
const pitchFft = new Fft(PITCH_FFT);
const hamming = Float64Array.from(
  { length: WINDOW },
  (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (WINDOW - 1)),
);
const filterbank = melFilterbank();
const dct = Array.from({ length: CEPSTRA }, (_, c) =>
  Float64Array.from({ length: MELS }, (_, m) => (c + 1) * Math.cos((Math.PI * (c + 1) * (2 * m + 1)) / (2 * MELS))),
);

/** Frame features of 16 kHz mono audio in [-1, 1]. */
export function frameFeatures(audio: Float32Array): FrameFeatures {
  const features = emptyFeatures(audio);
  computeFrames(audio, features, 0, features.frames);
  return features;
}

/** The same features, computed a block at a time with the event loop let through between blocks. */
export async function frameFeaturesAsync(audio: Float32Array, signal?: AbortSignal): Promise<FrameFeatures> {
  const features = emptyFeatures(audio);
  const block = 2 * FRAMES_PER_SECOND;
  for (let from = 0; from < features.frames; from += block) {
    signal?.throwIfAborted();
    computeFrames(audio, features, from, Math.min(features.frames, from + block));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return features;
}

function emptyFeatures(audio: Float32Array): FrameFeatures {
  const frames = audio.length >= PITCH_WINDOW ? 1 + Math.floor((audio.length - PITCH_WINDOW) / HOP) : 0;
  return { mfcc: new Float32Array(frames * CEPSTRA), f0: new Float32Array(frames), frames };
}

function computeFrames(audio: Float32Array, features: FrameFeatures, from: number, to: number): void {
  const power = new Float64Array(MEL_FFT / 2 + 1);
  const windowed = new Float64Array(WINDOW);
  for (let i = from; i < to; i += 1) {
    const start = i * HOP;
    features.f0[i] = pitchOf(audio.subarray(start, start + PITCH_WINDOW));
    const melStart = start + (PITCH_WINDOW - WINDOW) / 2;
    for (let j = 0; j < WINDOW; j += 1) windowed[j] = audio[melStart + j]! * hamming[j]!;
    melFft.powerSpectrum(windowed, power);
    cepstra(power, features.mfcc.subarray(i * CEPSTRA, (i + 1) * CEPSTRA));
  }
}

/** The embedding of frames [from, to), or undefined when fewer than `minVoiced` frames are voiced. */
export function embedFrames(
  features: FrameFeatures,
  from = 0,
  to = features.frames,
  minVoiced = 20,
): Float32Array | undefined {
  const sum = new Float64Array(CEPSTRA);
  const pitches: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, features.frames); i += 1) {
    const hz = features.f0[i]!;
    if (hz <= 0) continue;
    pitches.push(Math.log2(hz / PITCH_REFERENCE_HZ));
    for (let c = 0; c < CEPSTRA; c += 1) sum[c]! += features.mfcc[i * CEPSTRA + c]!;
  }
  if (pitches.length < minVoiced) return undefined;
  const norm = Math.hypot(...sum) || 1;
  const out = new Float32Array(SPEAKER_EMBEDDING_DIMENSIONS);
  for (let c = 0; c < CEPSTRA; c += 1) out[c] = sum[c]! / norm;
  out[CEPSTRA] = PITCH_WEIGHT * median(pitches);
  return out;
}

/** The embedding of a whole clip (undefined when it holds too little voiced speech). */
export function embedSpeaker(audio: Float32Array): Float32Array | undefined {
  return embedFrames(frameFeatures(audio));
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function cepstra(power: Float64Array, out: Float32Array): void {
  const logMel = filterbank.map((filter) => {
    let energy = 0;
    for (let k = filter.from; k < filter.to; k += 1) energy += power[k]! * filter.weights[k - filter.from]!;
    return Math.log(energy + 1e-6);
  });
  for (let c = 0; c < CEPSTRA; c += 1) {
    let v = 0;
    for (let m = 0; m < MELS; m += 1) v += logMel[m]! * dct[c]![m]!;
    out[c] = v / 10;
  }
}

/** Pitch by the autocorrelation peak (computed through the FFT); 0 for silence and unvoiced frames. */
function pitchOf(window: Float32Array): number {
  let mean = 0;
  for (const s of window) mean += s;
  mean /= window.length;
  const re = new Float64Array(PITCH_FFT);
  const im = new Float64Array(PITCH_FFT);
  let energy = 0;
  for (let i = 0; i < window.length; i += 1) {
    re[i] = window[i]! - mean;
    energy += re[i]! * re[i]!;
  }
  if (energy < SILENCE * window.length) return 0;
  pitchFft.transform(re, im);
  for (let k = 0; k < PITCH_FFT; k += 1) {
    re[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    im[k] = 0;
  }
  pitchFft.transform(re, im, true);
  let best = MIN_LAG;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag += 1) if (re[lag]! > re[best]!) best = lag;
  return re[best]! / re[0]! > VOICING ? SAMPLE_RATE / best : 0;
}

interface Filter {
  readonly from: number;
  readonly to: number;
  readonly weights: Float64Array;
}

function melFilterbank(fmin = 20, fmax = 7600): Filter[] {
  const toMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const toHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);
  const lo = toMel(fmin);
  const step = (toMel(fmax) - lo) / (MELS + 1);
  const bins = Array.from({ length: MELS + 2 }, (_, i) =>
    Math.floor(((MEL_FFT + 1) * toHz(lo + i * step)) / SAMPLE_RATE),
  );
  return Array.from({ length: MELS }, (_, m) => {
    const [l, c, r] = [bins[m]!, bins[m + 1]!, bins[m + 2]!];
    const weights = Float64Array.from({ length: r - l }, (_, i) => {
      const k = l + i;
      return k < c ? (k - l) / Math.max(c - l, 1) : (r - k) / Math.max(r - c, 1);
    });
    return { from: l, to: r, weights };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
