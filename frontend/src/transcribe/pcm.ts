/** What the live endpoint takes: 16 kHz mono little-endian 16-bit PCM (services/transcription/src/routes/live.ts). */
export const LIVE_SAMPLE_RATE = 16_000;
/** Samples per WebSocket frame: 100 ms, small enough for prompt partials, large enough to keep frames few. */
export const LIVE_FRAME_SAMPLES = LIVE_SAMPLE_RATE / 10;

/** The channels of one render quantum mixed to mono (the mean), or the one channel as it is. */
export function mixDown(channels: readonly Float32Array[]): Float32Array | undefined {
  const [first, ...rest] = channels;
  if (!first || rest.length === 0) return first;
  const mono = Float32Array.from(first);
  for (const channel of rest) for (let i = 0; i < mono.length; i++) mono[i]! += channel[i] ?? 0;
  for (let i = 0; i < mono.length; i++) mono[i]! /= channels.length;
  return mono;
}

/** A float sample in [-1, 1] as 16-bit PCM, clipped. */
export function toInt16(sample: number): number {
  const s = Math.max(-1, Math.min(1, sample));
  return Math.round(s < 0 ? s * 0x8000 : s * 0x7fff);
}

/**
 * Float samples at the device's rate in, 16-bit PCM at `to` Hz out, as a
 * stream: chunks may split anywhere and the output is the same. Each output
 * sample is the mean of the input samples in its interval (a box filter),
 * which keeps most aliasing out of the speech band without a long FIR.
 */
export class Downsampler {
  private readonly step: number;
  /** The next output sample's end, in input samples since the start. */
  private boundary: number;
  private seen = 0;
  private sum = 0;
  private count = 0;

  constructor(from: number, to: number = LIVE_SAMPLE_RATE) {
    if (!(from >= to && to > 0)) throw new RangeError(`Cannot downsample from ${from} Hz to ${to} Hz.`);
    this.step = from / to;
    this.boundary = this.step;
  }

  push(input: Float32Array): Int16Array {
    const out = new Int16Array(Math.ceil(input.length / this.step) + 1);
    let n = 0;
    for (const sample of input) {
      this.sum += sample;
      this.count++;
      if (++this.seen >= this.boundary) {
        out[n++] = toInt16(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
        this.boundary += this.step;
      }
    }
    return out.subarray(0, n);
  }
}

/** Collects PCM into frames of a fixed number of samples. */
export class FramePacker {
  private frame: Int16Array;
  private filled = 0;

  constructor(private readonly size: number = LIVE_FRAME_SAMPLES) {
    this.frame = new Int16Array(size);
  }

  /** The frames completed by `pcm`, each its own buffer (so it can be transferred). */
  push(pcm: Int16Array): Int16Array[] {
    const done: Int16Array[] = [];
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(this.size - this.filled, pcm.length - offset);
      this.frame.set(pcm.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.size) {
        done.push(this.frame);
        this.frame = new Int16Array(this.size);
        this.filled = 0;
      }
    }
    return done;
  }

  /** What is left, as a short last frame (empty when nothing is). */
  flush(): Int16Array {
    const rest = this.frame.slice(0, this.filled);
    this.filled = 0;
    return rest;
  }
}
