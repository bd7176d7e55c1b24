import { resolveModel, setting, type ResolveOptions } from './catalog.js';
import { createSession, ort, type RuntimeOptions } from './ort-session.js';

export const DEFAULT_VAD_MODEL = 'silero-vad-v5';

export interface SpeechSegment {
  readonly startMs: number;
  readonly endMs: number;
}

export interface VadOptions {
  /** Speech starts above this probability... */
  readonly threshold?: number;
  /** ...and ends after minSilenceMs below this one. */
  readonly negThreshold?: number;
  readonly minSilenceMs?: number;
  readonly minSpeechMs?: number;
  /** Padding added on both sides of a segment. */
  readonly padMs?: number;
}

interface Tracker {
  start: number;
  lastSpeech: number;
  readonly segments: SpeechSegment[];
}

/**
 * Silero VAD v5 on onnxruntime-node: 16 kHz audio in frames of 512 samples,
 * each preceded by the previous frame's last 64 samples, with the recurrent
 * state carried across frames.
 */
export class SileroVad {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly sampleRate: number,
    private readonly frame: number,
    private readonly context: number,
  ) {}

  static async load(name = DEFAULT_VAD_MODEL, options: ResolveOptions & RuntimeOptions = {}): Promise<SileroVad> {
    const resolved = await resolveModel(name, options);
    const session = await createSession(resolved.file('silero_vad.onnx'), options);
    const m = resolved.model;
    return new SileroVad(
      session,
      setting(m, 'sampleRate', 16000),
      setting(m, 'frameSamples', 512),
      setting(m, 'contextSamples', 64),
    );
  }

  get frameMs(): number {
    return (this.frame / this.sampleRate) * 1000;
  }

  /** Speech probability for each frame of 16 kHz mono audio in [-1, 1]. */
  async probabilities(audio: Float32Array): Promise<number[]> {
    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(this.sampleRate)]), []);
    const input = new Float32Array(this.context + this.frame);
    const probs: number[] = [];
    for (let pos = 0; pos + this.frame <= audio.length; pos += this.frame) {
      input.copyWithin(0, this.frame, this.frame + this.context);
      input.set(audio.subarray(pos, pos + this.frame), this.context);
      const out = await this.session.run({
        input: new ort.Tensor('float32', input.slice(), [1, input.length]),
        state,
        sr,
      });
      probs.push((out.output?.data as Float32Array)[0] as number);
      state = out.stateN as ort.Tensor;
    }
    return probs;
  }

  /** A stream: probabilities frame by frame as audio arrives, the state carried across pushes. */
  stream(): VadStream {
    return new VadStream(this.session, this.sampleRate, this.frame, this.context);
  }

  /** Speech segments, by hysteresis on the frame probabilities. */
  async segments(audio: Float32Array, options: VadOptions = {}): Promise<SpeechSegment[]> {
    const probs = await this.probabilities(audio);
    return segmentsFrom(probs, this.frameMs, options);
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

export function segmentsFrom(probs: readonly number[], frameMs: number, options: VadOptions = {}): SpeechSegment[] {
  const threshold = options.threshold ?? 0.5;
  const neg = options.negThreshold ?? threshold - 0.15;
  const minSilence = options.minSilenceMs ?? 100;
  const t: Tracker = { start: -1, lastSpeech: -1, segments: [] };
  probs.forEach((p, i) => {
    const at = i * frameMs;
    if (p >= threshold) {
      if (t.start < 0) t.start = at;
      t.lastSpeech = at + frameMs;
    } else if (t.start >= 0 && p < neg && at - t.lastSpeech >= minSilence) {
      close(t, options);
    }
  });
  if (t.start >= 0) close(t, options);
  return t.segments;
}

function close(t: Tracker, options: VadOptions): void {
  const pad = options.padMs ?? 30;
  if (t.lastSpeech - t.start >= (options.minSpeechMs ?? 250)) {
    t.segments.push({ startMs: Math.max(0, t.start - pad), endMs: t.lastSpeech + pad });
  }
  t.start = -1;
}

/**
 * Silero VAD over audio that arrives in pieces of any size: whole frames are
 * run as soon as they are complete, with the same context and recurrent state
 * as `probabilities` over the whole audio. Calls must not overlap.
 */
export class VadStream {
  private state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  private readonly sr: ort.Tensor;
  private readonly input: Float32Array;
  private pending = new Float32Array(0);

  constructor(
    private readonly session: ort.InferenceSession,
    sampleRate: number,
    private readonly frame: number,
    private readonly context: number,
  ) {
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
    this.input = new Float32Array(context + frame);
  }

  get frameSamples(): number {
    return this.frame;
  }

  /** Probabilities of the frames this audio completes (maybe none). */
  async push(audio: Float32Array): Promise<number[]> {
    const all = new Float32Array(this.pending.length + audio.length);
    all.set(this.pending);
    all.set(audio, this.pending.length);
    const probs: number[] = [];
    let pos = 0;
    for (; pos + this.frame <= all.length; pos += this.frame) {
      this.input.copyWithin(0, this.frame, this.frame + this.context);
      this.input.set(all.subarray(pos, pos + this.frame), this.context);
      const out = await this.session.run({
        input: new ort.Tensor('float32', this.input.slice(), [1, this.input.length]),
        state: this.state,
        sr: this.sr,
      });
      probs.push((out.output?.data as Float32Array)[0] as number);
      this.state = out.stateN as ort.Tensor;
    }
    this.pending = all.slice(pos);
    return probs;
  }
}
