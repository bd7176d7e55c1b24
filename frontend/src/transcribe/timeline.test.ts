import { describe, expect, it } from 'vitest';
import type { Segment } from './api.js';
import { clock, speakerName, speakerSlot, speakersOf, summaryOf } from './timeline.js';

const segment = (id: number, speaker: string | null): Segment => ({
  id,
  start: id,
  end: id + 1,
  text: `words ${id}`,
  speaker,
  confidence: 0.9,
  emotion: null,
});

describe('timeline text', () => {
  it('writes times as m:ss, and h:mm:ss past the hour', () => {
    expect([0, 5.9, 75, 600, 3723].map(clock)).toEqual(['0:00', '0:05', '1:15', '10:00', '1:02:03']);
  });

  it('names speakers in words and gives each a stable colour slot', () => {
    expect(speakerName('speaker_2')).toBe('Speaker 2');
    expect(speakerName(null)).toBe('Speaker');
    expect([null, 'speaker_1', 'speaker_8', 'speaker_9', 'x'].map(speakerSlot)).toEqual([0, 1, 8, 1, 0]);
  });

  it('lists speakers by first appearance and sums the transcript up', () => {
    const segments = [segment(0, 'speaker_2'), segment(1, 'speaker_1'), segment(2, 'speaker_2'), segment(3, null)];
    expect(speakersOf(segments)).toEqual(['speaker_2', 'speaker_1']);
    expect(summaryOf({ durationSeconds: 65 }, segments)).toBe('2 speakers, 4 segments, 1:05.');
    expect(summaryOf({ durationSeconds: 3 }, [segment(0, null)])).toBe('1 segment, 0:03.');
  });
});
