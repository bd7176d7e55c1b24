import { beforeAll, describe, expect, it } from 'vitest';
import { asrPython } from './asr.js';
import { decodeCompressed, sniffCompressed } from './audio-decode.js';
import { encodeAudio, TEST_ENCODINGS, type TestEncoding } from './testing/encode.js';
import { SAMPLE_RATE, synthesize, voicedSpan } from './testing/speech.js';

// Real FFmpeg decoders (PyAV in the ASR environment) on files its encoders wrote.
describe('decodeCompressed', { timeout: 60_000 }, () => {
  let python: string;
  let speech: Float32Array;
  beforeAll(async () => {
    python = await asrPython();
    speech = synthesize('The meeting starts at nine tomorrow morning.');
  }, 120_000);

  it.each(Object.keys(TEST_ENCODINGS) as TestEncoding[])(
    'reads %s back to 16 kHz mono at the same length',
    async (format) => {
      const bytes = encodeAudio(python, speech, format);
      expect(sniffCompressed(bytes)).toBe(format === 'm4a' ? 'mp4' : format);
      const decoded = await decodeCompressed(bytes, { python, maxSeconds: 60 });
      const seconds = speech.length / SAMPLE_RATE;
      // Encoders pad with a frame or two of priming (AAC in MP4: 30 ms); the voiced part stays within 50 ms.
      expect(Math.abs(decoded.durationSeconds - seconds)).toBeLessThan(0.15);
      const [span, reference] = [voicedSpan(decoded.samples), voicedSpan(speech)];
      expect(Math.abs(span.start - reference.start) / SAMPLE_RATE).toBeLessThan(0.05);
      expect(Math.abs(span.end - reference.end) / SAMPLE_RATE).toBeLessThan(0.05);
    },
  );

  it('refuses audio longer than allowed, without decoding the rest', async () => {
    const bytes = encodeAudio(python, speech, 'mp3');
    await expect(decodeCompressed(bytes, { python, maxSeconds: 1 })).rejects.toMatchObject({
      code: 'NEMO_ERR_BAD_REQUEST',
      message: 'The audio is longer than this service takes (1 s).',
    });
  });

  it('refuses bytes that are no audio with a 400 naming the formats it reads', async () => {
    const junk = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(4000, 7)]);
    await expect(decodeCompressed(junk, { python, maxSeconds: 60 })).rejects.toMatchObject({
      code: 'NEMO_ERR_BAD_REQUEST',
      message: expect.stringMatching(/could not be read: .*Send WAV, MP3/) as string,
    });
  });

  it('runs two decoders at once, queues sixteen uploads, and refuses more with 503', async () => {
    const bytes = encodeAudio(python, speech, 'ogg');
    const results = await Promise.allSettled(
      Array.from({ length: 19 }, () => decodeCompressed(bytes, { python, maxSeconds: 60 })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      statusCode: 503,
      message: 'This replica is busy: 2 audio decodes are running and 16 are waiting; retry shortly.',
    });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(18);
  });

  it('tells the formats apart by their first bytes, and WAV or text from none', () => {
    expect(sniffCompressed(Buffer.from('ID3\u0004rest'))).toBe('mp3');
    expect(sniffCompressed(Buffer.from('fLaC....'))).toBe('flac');
    expect(sniffCompressed(Buffer.from('RIFF....WAVE'))).toBeUndefined();
    expect(sniffCompressed(Buffer.from('hello world'))).toBeUndefined();
    expect(sniffCompressed(Buffer.alloc(0))).toBeUndefined();
  });
});
