import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, resample } from './wav.js';

const tone = (hz: number, rate: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

function wavWith(opts: { format?: number; channels?: number; rate?: number; bits?: number; data: Buffer }): Buffer {
  const { format = 1, channels = 1, rate = 16000, bits = 16, data } = opts;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE((rate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('WAV decoding', () => {
  it('round-trips 16 kHz 16-bit mono', () => {
    const x = tone(440, 16000, 0.5);
    const { samples, info } = decodeWav(encodeWav(x));
    expect(info).toEqual({
      format: 'wav',
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      encoding: 'pcm',
      durationSeconds: 0.5,
    });
    expect(samples.length).toBe(x.length);
    samples.forEach((s, i) => expect(Math.abs(s - x[i]!)).toBeLessThan(1e-3));
  });

  it('mixes stereo float at 48 kHz down to 16 kHz mono', () => {
    const left = tone(300, 48000, 1);
    const data = Buffer.alloc(left.length * 8);
    left.forEach((s, i) => {
      data.writeFloatLE(s, i * 8);
      data.writeFloatLE(s, i * 8 + 4);
    });
    const { samples, info } = decodeWav(wavWith({ format: 3, channels: 2, rate: 48000, bits: 32, data }));
    expect(info.encoding).toBe('float');
    expect(samples.length).toBe(16000);
    expect(rms(samples.subarray(100, -100))).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('reads 24-bit and 8-bit PCM', () => {
    const d24 = Buffer.alloc(3 * 1000);
    for (let i = 0; i < 1000; i++) d24.writeIntLE(i % 2 ? 4194304 : -4194304, i * 3, 3);
    expect(decodeWav(wavWith({ bits: 24, data: d24 })).samples[1]).toBeCloseTo(0.5, 5);
    const d8 = Buffer.from(Array.from({ length: 1000 }, () => 192));
    expect(decodeWav(wavWith({ bits: 8, data: d8 })).samples[0]).toBeCloseTo(0.5, 5);
  });

  it('removes what lies above the new Nyquist rate when downsampling', () => {
    // 7 kHz survives 44.1 -> 16 kHz; 12 kHz must not fold back to 4 kHz.
    expect(rms(resample(tone(7000, 44100, 0.5), 44100, 16000).subarray(200, -200))).toBeGreaterThan(0.3);
    expect(rms(resample(tone(12000, 44100, 0.5), 44100, 16000).subarray(200, -200))).toBeLessThan(0.02);
  });

  it('refuses what it cannot read with messages that say what to send', () => {
    expect(() => decodeWav(Buffer.from('ID3\u0003 not a wav at all'))).toThrow(/not a WAV file/);
    expect(() => decodeWav(wavWith({ format: 85, data: Buffer.alloc(100) }))).toThrow(/format tag 85.*Send PCM/);
    expect(() => decodeWav(wavWith({ rate: 4000, data: Buffer.alloc(100) }))).toThrow(/4000 Hz is outside/);
    expect(() => decodeWav(wavWith({ data: Buffer.alloc(0) }))).toThrow(/no audio/);
    expect(() => decodeWav(encodeWav(tone(1, 16000, 0.1)).subarray(0, 36))).toThrow(/no data chunk/);
    const err = (() => {
      try {
        decodeWav(Buffer.from('nope'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ statusCode: 400, code: 'NEMO_ERR_BAD_REQUEST' });
  });
});
