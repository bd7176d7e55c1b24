import { badRequest } from '@nemo/common';
import type { AudioInfo } from './decode.js';

export const TARGET_RATE = 16000;

/** What the WAV header said, for errors and for the job's record. */
export interface WavInfo extends AudioInfo {
  readonly format: 'wav';
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly encoding: 'pcm' | 'float';
  readonly durationSeconds: number;
}

export interface DecodedWav {
  /** 16 kHz mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly info: WavInfo;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const MIN_RATE = 8000;
const MAX_RATE = 192_000;

interface Fmt {
  format: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

/**
 * Reads a RIFF/WAVE file: PCM (8, 16, 24 or 32 bit) or IEEE float (32 or 64
 * bit), including WAVE_FORMAT_EXTENSIBLE, any channel count (mixed down) and
 * sample rates from 8 to 192 kHz (resampled to 16 kHz). Anything else is a
 * 400 that says what was found and what to send instead.
 */
export function decodeWav(bytes: Buffer): DecodedWav {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw badRequest('The audio is not a WAV file (no RIFF/WAVE header). Send 16-bit PCM WAV, ideally 16 kHz mono.');
  }
  const { fmt, data } = chunksOf(bytes);
  if (!fmt) throw badRequest('The WAV file has no fmt chunk.');
  if (!data) throw badRequest('The WAV file has no data chunk.');
  const encoding = encodingOf(fmt);
  checkFormat(fmt);
  const frames = Math.floor(data.length / fmt.blockAlign);
  if (frames === 0) throw badRequest('The WAV file holds no audio.');
  const mono = mixDown(data, fmt, encoding, frames);
  const info = {
    format: 'wav' as const,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bitsPerSample,
    encoding,
    durationSeconds: frames / fmt.sampleRate,
  };
  return { samples: resample(mono, fmt.sampleRate, TARGET_RATE), info };
}

function chunksOf(bytes: Buffer): { fmt?: Fmt; data?: Buffer } {
  const out: { fmt?: Fmt; data?: Buffer } = {};
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (id === 'fmt ') out.fmt = parseFmt(body);
    // A streamed WAV may say 0 or 0xffffffff for its data size: take what is there.
    if (id === 'data') out.data = size === 0 ? bytes.subarray(at + 8) : body;
    at += 8 + size + (size % 2);
  }
  return out;
}

function parseFmt(body: Buffer): Fmt {
  if (body.length < 16) throw badRequest('The WAV fmt chunk is truncated.');
  let format = body.readUInt16LE(0);
  if (format === FORMAT_EXTENSIBLE && body.length >= 26) format = body.readUInt16LE(24);
  return {
    format,
    channels: body.readUInt16LE(2),
    sampleRate: body.readUInt32LE(4),
    blockAlign: body.readUInt16LE(12),
    bitsPerSample: body.readUInt16LE(14),
  };
}

function encodingOf(fmt: Fmt): 'pcm' | 'float' {
  if (fmt.format === FORMAT_PCM && [8, 16, 24, 32].includes(fmt.bitsPerSample)) return 'pcm';
  if (fmt.format === FORMAT_FLOAT && [32, 64].includes(fmt.bitsPerSample)) return 'float';
  throw badRequest(
    `The WAV encoding is not supported (format tag ${fmt.format}, ${fmt.bitsPerSample} bits). ` +
      'Send PCM (8, 16, 24 or 32 bit) or IEEE float (32 or 64 bit).',
  );
}

function checkFormat(fmt: Fmt): void {
  if (fmt.channels < 1 || fmt.channels > 16) throw badRequest(`The WAV file says it has ${fmt.channels} channels.`);
  if (fmt.sampleRate < MIN_RATE || fmt.sampleRate > MAX_RATE) {
    throw badRequest(`The sample rate ${fmt.sampleRate} Hz is outside ${MIN_RATE}-${MAX_RATE} Hz.`);
  }
  if (fmt.blockAlign !== fmt.channels * (fmt.bitsPerSample / 8)) {
    throw badRequest('The WAV header is inconsistent (block align does not match channels and sample size).');
  }
}

type Reader = (buf: Buffer, offset: number) => number;

const READERS: Readonly<Record<string, Reader>> = {
  pcm8: (b, o) => (b.readUInt8(o) - 128) / 128,
  pcm16: (b, o) => b.readInt16LE(o) / 32768,
  pcm24: (b, o) => b.readIntLE(o, 3) / 8388608,
  pcm32: (b, o) => b.readInt32LE(o) / 2147483648,
  float32: (b, o) => b.readFloatLE(o),
  float64: (b, o) => b.readDoubleLE(o),
};

function mixDown(data: Buffer, fmt: Fmt, encoding: 'pcm' | 'float', frames: number): Float32Array {
  const read = READERS[`${encoding}${fmt.bitsPerSample}`]!;
  const width = fmt.bitsPerSample / 8;
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c += 1) sum += read(data, i * fmt.blockAlign + c * width);
    out[i] = Math.max(-1, Math.min(1, sum / fmt.channels));
  }
  return out;
}

const ZERO_CROSSINGS = 8;

/**
 * Band-limited resampling: windowed-sinc interpolation (Hann window, 8 zero
 * crossings) with the cutoff at the lower Nyquist rate, so downsampling does
 * not alias.
 */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return input;
  const ratio = to / from;
  const cutoff = Math.min(1, ratio);
  const half = Math.ceil(ZERO_CROSSINGS / cutoff);
  const out = new Float32Array(Math.floor(input.length * ratio));
  for (let n = 0; n < out.length; n += 1) {
    const center = n / ratio;
    const first = Math.max(0, Math.ceil(center - half));
    const last = Math.min(input.length - 1, Math.floor(center + half));
    let sum = 0;
    for (let k = first; k <= last; k += 1) sum += input[k]! * kernel(k - center, cutoff, half);
    out[n] = sum;
  }
  return out;
}

function kernel(x: number, cutoff: number, half: number): number {
  const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / half);
  const arg = Math.PI * x * cutoff;
  return cutoff * window * (arg === 0 ? 1 : Math.sin(arg) / arg);
}

/** A 16-bit PCM mono WAV file of the samples (for tests and exports). */
export function encodeWav(samples: Float32Array, sampleRate = TARGET_RATE): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
