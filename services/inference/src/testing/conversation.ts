import type { SpeakerTurn } from '../diarization.js';
import { ASR_SENTENCES } from '../testdata/asr-sentences.js';
import { concat, SAMPLE_RATE, silence, synthesize, voicedSpan } from './speech.js';

export interface Conversation {
  /** 16 kHz mono samples. */
  readonly audio: Float32Array;
  /** Who spoke when: where each turn's clip has sound, labelled by its voice. */
  readonly truth: SpeakerTurn[];
  /** The text of each turn, in order. */
  readonly texts: string[];
  readonly clips: Float32Array[];
}

/**
 * Alternating turns of espeak-ng voices, one sentence each (ASR_SENTENCES in
 * order), with `pause` seconds of silence between turns and 0.5 s before the first.
 */
export function conversation(voices: readonly string[], turns: number, pause = 0.7): Conversation {
  const parts: Float32Array[] = [silence(0.5)];
  const truth: SpeakerTurn[] = [];
  const clips: Float32Array[] = [];
  const texts: string[] = [];
  let at = parts[0]!.length;
  for (let i = 0; i < turns; i += 1) {
    const voice = voices[i % voices.length]!;
    const text = ASR_SENTENCES[i % ASR_SENTENCES.length]!;
    const clip = synthesize(text, voice);
    const span = voicedSpan(clip);
    truth.push({ start: (at + span.start) / SAMPLE_RATE, end: (at + span.end) / SAMPLE_RATE, speaker: voice });
    clips.push(clip);
    texts.push(text);
    parts.push(clip, silence(pause));
    at += clip.length + Math.round(pause * SAMPLE_RATE);
  }
  return { audio: concat(parts), truth, texts, clips };
}
