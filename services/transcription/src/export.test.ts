import { describe, expect, it } from 'vitest';
import { exportFormat, timestamp, toSrt, toText, toVtt } from './export.js';
import type { Segment } from './transcript.js';

const seg = (id: number, [start, end]: [number, number], text: string, speaker: string | null): Segment => ({
  id,
  start,
  end,
  text,
  speaker,
  confidence: 0.9,
  emotion: null,
});

const segments = [
  seg(0, [0.5, 2.25], 'Hello there.', 'speaker_1'),
  seg(1, [2.5, 3], 'How are you?', 'speaker_1'),
  seg(2, [3.5, 3661.0045], 'Fine, <thanks> & you?', 'speaker_2'),
];

describe('exports', () => {
  it('formats timestamps for SRT and WebVTT', () => {
    expect(timestamp(0, ',')).toBe('00:00:00,000');
    expect(timestamp(3661.0045, '.')).toBe('01:01:01.005');
  });

  it('writes plain text with one line per speaker turn', () => {
    expect(toText(segments)).toBe('speaker_1: Hello there. How are you?\nspeaker_2: Fine, <thanks> & you?\n');
    expect(toText([seg(0, [0, 1], 'No labels.', null)])).toBe('No labels.\n');
  });

  it('writes SRT cues numbered from 1 with the speaker', () => {
    expect(toSrt(segments.slice(0, 2))).toBe(
      '1\n00:00:00,500 --> 00:00:02,250\n[speaker_1] Hello there.\n\n2\n00:00:02,500 --> 00:00:03,000\n[speaker_1] How are you?\n',
    );
  });

  it('writes WebVTT with voice spans and escaped text', () => {
    expect(toVtt(segments.slice(2))).toBe(
      'WEBVTT\n\n00:00:03.500 --> 01:01:01.005\n<v speaker_2>Fine, &lt;thanks> &amp; you?\n',
    );
  });

  it('refuses an unknown format with the list of known ones', () => {
    expect(exportFormat(undefined)).toBe('txt');
    expect(exportFormat('SRT')).toBe('srt');
    expect(() => exportFormat('docx')).toThrow(/txt, srt, vtt, json/);
  });
});
