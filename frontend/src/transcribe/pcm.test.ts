import { describe, expect, it } from 'vitest';
import { Downsampler, FramePacker, LIVE_FRAME_SAMPLES, mixDown, toInt16 } from './pcm.js';

const sine = (rate: number, hz: number, seconds: number): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

/** Splits `samples` at the given sizes, cycling, as render quanta and odd buffers would. */
function chunks(samples: Float32Array, sizes: number[]): Float32Array[] {
  const out: Float32Array[] = [];
  for (let at = 0, i = 0; at < samples.length; i++) {
    const size = sizes[i % sizes.length] ?? 128;
    out.push(samples.subarray(at, at + size));
    at += size;
  }
  return out;
}

const concat = (parts: Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

describe('toInt16', () => {
  it('scales to 16 bits and clips', () => {
    expect([0, 1, -1, 0.5, 2, -3].map(toInt16)).toEqual([0, 32767, -32768, 16384, 32767, -32768]);
  });
});

describe('mixDown', () => {
  it('averages the channels, and passes one channel through', () => {
    const left = Float32Array.of(1, 0, -1);
    expect(mixDown([left])).toBe(left);
    expect(Array.from(mixDown([left, Float32Array.of(0, 1, 1)]) ?? [])).toEqual([0.5, 0.5, 0]);
    expect(mixDown([])).toBeUndefined();
  });
});

describe('Downsampler', () => {
  it.each([48_000, 44_100, 16_000])('takes %i Hz to 16 kHz: one second in, one second out', (rate) => {
    const out = new Downsampler(rate).push(sine(rate, 440, 1));
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(1);
  });

  it('gives the same samples however the input is split', () => {
    const input = sine(44_100, 300, 0.5);
    const whole = new Downsampler(44_100).push(input);
    const split = new Downsampler(44_100);
    expect(concat(chunks(input, [128, 1, 7, 441]).map((c) => split.push(c)))).toEqual(whole);
  });

  it('keeps a speech-band tone (its level and its zero crossings)', () => {
    const out = new Downsampler(48_000).push(sine(48_000, 440, 1));
    const peak = out.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak / 32767).toBeGreaterThan(0.48);
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (Math.sign(out[i]!) !== Math.sign(out[i - 1]!)) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(878);
    expect(crossings).toBeLessThanOrEqual(882);
  });

  it('damps a tone that would fold into the speech band (15 kHz to 1 kHz) to under a tenth', () => {
    // A box filter, not a brick wall: enough for speech, whose energy above 8 kHz is small.
    const out = new Downsampler(48_000).push(sine(48_000, 15_000, 0.25));
    expect(out.reduce((m, s) => Math.max(m, Math.abs(s)), 0) / 32767 / 0.5).toBeLessThan(0.1);
  });

  it('refuses to upsample', () => {
    expect(() => new Downsampler(8_000)).toThrow(RangeError);
  });
});

describe('FramePacker', () => {
  it('makes whole 100 ms frames, in order, and flushes the rest', () => {
    const packer = new FramePacker();
    const pcm = Int16Array.from({ length: 4000 }, (_, i) => i);
    const frames = [...packer.push(pcm.subarray(0, 1000)), ...packer.push(pcm.subarray(1000))];
    expect(frames.map((f) => f.length)).toEqual([LIVE_FRAME_SAMPLES, LIVE_FRAME_SAMPLES]);
    const rest = packer.flush();
    expect(rest.length).toBe(800);
    expect(concat([...frames, rest])).toEqual(pcm);
    expect(packer.flush().length).toBe(0);
  });
});
