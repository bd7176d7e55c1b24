import { h } from '../ui/dom.js';
import type { Segment, Transcript } from './api.js';

/** Speaker colours (see styles.css .speaker-N), reused past the last. */
const SPEAKER_COLOURS = 8;

/** 75 s as "1:15", an hour and more as "1:02:03". */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const [hours, minutes, secs] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const ss = String(secs).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** "speaker_2" as "Speaker 2"; no label (no diarization) as "Speaker". */
export function speakerName(speaker: string | null): string {
  const n = /^speaker_(\d+)$/.exec(speaker ?? '')?.[1];
  if (n) return `Speaker ${n}`;
  return speaker ?? 'Speaker';
}

/** The colour slot of a speaker: its number, so a speaker keeps its colour however the list is cut. */
export function speakerSlot(speaker: string | null): number {
  const n = Number(/^speaker_(\d+)$/.exec(speaker ?? '')?.[1] ?? 0);
  return n > 0 ? ((n - 1) % SPEAKER_COLOURS) + 1 : 0;
}

/** The speakers in order of first appearance. */
export function speakersOf(segments: readonly Segment[]): string[] {
  return [...new Set(segments.map((s) => s.speaker).filter((s): s is string => s !== null))];
}

/** An emotion as a chip: the label in words (with its score), never colour alone. */
export function emotionChip(emotion: NonNullable<Segment['emotion']>): HTMLElement {
  return h(
    'span',
    { class: `chip emotion emotion-${emotion.label.replace(/\W+/g, '-')}` },
    h('span', { class: 'visually-hidden' }, 'Emotion: '),
    `${emotion.label} ${Math.round(emotion.score * 100)}%`,
  );
}

/** One segment: time, speaker (named in text and coloured), words, and its emotion once known. */
export function segmentView(segment: Segment): HTMLElement {
  return h(
    'li',
    { class: `segment speaker-${speakerSlot(segment.speaker)}`, 'data-segment': segment.id },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'speaker' }, speakerName(segment.speaker)),
      h('span', { class: 'time' }, `${clock(segment.start)}–${clock(segment.end)}`),
      segment.emotion && emotionChip(segment.emotion),
    ),
    h('p', { class: 'text' }, segment.text),
  );
}

/** Puts an emotion on a segment already shown. */
export function showEmotion(list: HTMLElement, segment: Segment): void {
  const meta = list.querySelector(`[data-segment="${segment.id}"] .meta`);
  if (!meta || !segment.emotion) return;
  meta.querySelector('.chip')?.remove();
  meta.append(emotionChip(segment.emotion));
}

/**
 * Who spoke when, as bars on one track per speaker (a picture of the list
 * below it, so hidden from screen readers, who get the summary line).
 */
export function speakerTrack(segments: readonly Segment[], duration: number): HTMLElement {
  const speakers = speakersOf(segments);
  const end = Math.max(duration, ...segments.map((s) => s.end), 1e-3);
  const lanes = (speakers.length ? speakers : [null]).map((speaker) =>
    h(
      'div',
      { class: 'lane' },
      h('span', { class: 'lane-name' }, speakerName(speaker)),
      h(
        'div',
        { class: 'lane-bars' },
        ...segments
          .filter((s) => s.speaker === speaker)
          .map((s) =>
            h('span', {
              class: `bar speaker-${speakerSlot(speaker)}`,
              style: `left:${(100 * s.start) / end}%;width:${Math.max(0.5, (100 * (s.end - s.start)) / end)}%`,
            }),
          ),
      ),
    ),
  );
  return h('div', { class: 'speaker-track', 'aria-hidden': 'true' }, ...lanes);
}

/** "2 speakers, 14 segments, 1:05." */
export function summaryOf(t: Pick<Transcript, 'durationSeconds'>, segments: readonly Segment[]): string {
  const speakers = speakersOf(segments).length;
  const who = speakers ? `${speakers} ${speakers === 1 ? 'speaker' : 'speakers'}, ` : '';
  return `${who}${segments.length} ${segments.length === 1 ? 'segment' : 'segments'}, ${clock(t.durationSeconds)}.`;
}
