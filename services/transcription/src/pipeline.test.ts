import type { AsrSegment } from '@nemo/inference';
import { describe, expect, it } from 'vitest';
import { chunksOf, labelled } from './pipeline.js';

const seg = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('chunks of speech for the decoder', () => {
  it('groups consecutive segments up to 28 s and cuts longer ones', () => {
    expect(chunksOf([seg(0, 5000), seg(6000, 20000), seg(21000, 40000), seg(41000, 101000)])).toEqual([
      { start: 0, end: 20 },
      { start: 21, end: 40 },
      { start: 41, end: 69 },
      { start: 69, end: 97 },
      { start: 97, end: 101 },
    ]);
    expect(chunksOf([])).toEqual([]);
  });
});

describe('segments with speakers', () => {
  const turns = [
    { start: 10, end: 12, speaker: 'speaker_1' },
    { start: 12.2, end: 15, speaker: 'speaker_2' },
  ];
  const asr: AsrSegment = {
    start: 0,
    end: 4.5,
    text: ' Yes, I agree. Good.',
    avgLogprob: -0.2,
    noSpeechProb: 0.01,
    words: [
      { start: 0.1, end: 0.5, word: ' Yes,', probability: 0.9 },
      { start: 0.6, end: 0.9, word: ' I', probability: 0.9 },
      { start: 1.0, end: 1.8, word: ' agree.', probability: 0.9 },
      { start: 2.5, end: 3.0, word: ' Good.', probability: 0.9 },
    ],
  };

  it('splits a decoded segment where the words change speaker, in file time', () => {
    expect(labelled(asr, 10, turns, 7)).toEqual([
      {
        id: 7,
        start: 10.1,
        end: 11.8,
        text: 'Yes, I agree.',
        speaker: 'speaker_1',
        confidence: Math.exp(-0.2),
        emotion: null,
      },
      { id: 8, start: 12.5, end: 13, text: 'Good.', speaker: 'speaker_2', confidence: Math.exp(-0.2), emotion: null },
    ]);
  });

  it('labels by overlap without words, and leaves the speaker null without diarization', () => {
    expect(labelled({ ...asr, words: [] }, 10, turns, 0).map((s) => s.speaker)).toEqual(['speaker_2']);
    expect(labelled(asr, 10, [], 0)).toMatchObject([{ speaker: null, text: 'Yes, I agree. Good.' }]);
    expect(labelled({ ...asr, text: '  ' }, 10, [], 0)).toEqual([]);
  });
});
