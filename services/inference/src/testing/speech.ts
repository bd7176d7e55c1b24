import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SAMPLE_RATE = 16000;

/**
 * Speech synthesized by espeak-ng and resampled by sox to 16 kHz mono, as
 * floats in [-1, 1]. Both are Debian packages that hack/ensure-packages.sh installs.
 */
export function synthesize(text: string, voice = 'en-us', speed = 150): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'nemo-speech-'));
  try {
    const wav = join(dir, 'speech.wav');
    const raw = join(dir, 'speech.raw');
    execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', wav, text]);
    // -R: sox's dither noise from a fixed seed, so the same text gives the same samples.
    execFileSync('sox', [
      '-R',
      wav,
      '-t',
      'raw',
      '-r',
      String(SAMPLE_RATE),
      '-c',
      '1',
      '-e',
      'signed-integer',
      '-b',
      '16',
      '-L',
      raw,
    ]);
    const bytes = readFileSync(raw);
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    return Float32Array.from(pcm, (s) => s / 32768);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the clip really has sound: first and last 10 ms window above the RMS floor. */
export function voicedSpan(audio: Float32Array, floor = 0.01): { start: number; end: number } {
  const win = SAMPLE_RATE / 100;
  const loud: number[] = [];
  for (let i = 0; i + win <= audio.length; i += win) {
    let sum = 0;
    for (let j = i; j < i + win; j += 1) sum += (audio[j] as number) ** 2;
    if (Math.sqrt(sum / win) > floor) loud.push(i);
  }
  return { start: loud[0] ?? 0, end: (loud.at(-1) ?? 0) + win };
}

export function silence(seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * SAMPLE_RATE));
}

export function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
