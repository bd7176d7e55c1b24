import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_RATE } from './speech.js';

/** Test fixtures: [PyAV codec, container, encoder rate] per format, as users' recorders and converters write them. */
export const TEST_ENCODINGS = {
  mp3: ['libmp3lame', 'mp3', 22050],
  m4a: ['aac', 'mp4', 44100],
  ogg: ['libopus', 'ogg', 48000],
  webm: ['libopus', 'webm', 48000],
  flac: ['flac', 'flac', SAMPLE_RATE],
} as const;
export type TestEncoding = keyof typeof TEST_ENCODINGS;

const ENCODE = `
import sys, av, numpy as np
pcm, dst, codec, fmt, rate = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
samples = np.fromfile(pcm, dtype="<i2")
with av.open(dst, "w", format=fmt) as out:
    stream = out.add_stream(codec, rate=rate, layout="mono")
    resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=rate)
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = ${SAMPLE_RATE}
    for f in resampler.resample(frame) + resampler.resample(None):
        for packet in stream.encode(f):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
`;

/** Encodes 16 kHz samples with FFmpeg (PyAV in the ASR environment) into a compressed file's bytes. */
export function encodeAudio(python: string, samples: Float32Array, encoding: TestEncoding): Buffer {
  const [codec, container, rate] = TEST_ENCODINGS[encoding];
  const dir = mkdtempSync(join(tmpdir(), 'nemo-encode-'));
  try {
    const pcm = Buffer.alloc(samples.length * 2);
    samples.forEach((s, i) => pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2));
    writeFileSync(join(dir, 'in.pcm'), pcm);
    const out = join(dir, `out.${encoding}`);
    execFileSync(python, ['-c', ENCODE, join(dir, 'in.pcm'), out, codec, container, String(rate)]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
