import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One turn of a synthesized conversation. */
export interface Turn {
  voice: string;
  text: string;
}

/**
 * A conversation spoken by espeak-ng voices, turn after turn with a pause
 * between, as one 16 kHz mono 16-bit WAV (sox), written to a temporary
 * folder. Returns its path and bytes.
 */
export function conversationWav(turns: readonly Turn[], pauseSeconds = 0.8): { path: string; bytes: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'nemo-speech-'));
  const clips = turns.map((turn, i) => {
    const raw = path.join(dir, `turn-${i}-raw.wav`);
    const clip = path.join(dir, `turn-${i}.wav`);
    execFileSync('espeak-ng', ['-v', turn.voice, '-s', '150', '-w', raw, turn.text]);
    // 16 kHz mono 16-bit, with the pause after the turn (and a little before the first).
    execFileSync('sox', [
      raw,
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      clip,
      'pad',
      i === 0 ? '0.5' : '0',
      String(pauseSeconds),
    ]);
    return clip;
  });
  const out = path.join(dir, 'conversation.wav');
  execFileSync('sox', [...clips, out]);
  return { path: out, bytes: readFileSync(out) };
}

/** The share of `words` found (as whole words, any case) in `text`. */
export function wordsFound(text: string, words: readonly string[]): number {
  const said = new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
  return words.filter((w) => said.has(w.toLowerCase())).length / words.length;
}
