import { badRequest } from '@nemo/common';
import { textOf, transcriptView, type Segment, type Transcript } from './transcript.js';

export const EXPORT_FORMATS = ['txt', 'srt', 'vtt', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  txt: 'text/plain; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function exportFormat(value: string | undefined): ExportFormat {
  const format = (value ?? 'txt').toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  throw badRequest(`Unknown export format ${JSON.stringify(value)}; use one of ${EXPORT_FORMATS.join(', ')}.`);
}

/** HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT). */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** Plain text: one line per turn, the speaker first when known. */
export function toText(segments: readonly Segment[]): string {
  const lines: string[] = [];
  let speaker: string | null | undefined;
  for (const s of segments) {
    if (s.speaker !== speaker || lines.length === 0) lines.push(s.speaker ? `${s.speaker}: ${s.text}` : s.text);
    else lines[lines.length - 1] += ` ${s.text}`;
    speaker = s.speaker;
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** SubRip: numbered cues, the speaker in brackets. */
export function toSrt(segments: readonly Segment[]): string {
  return segments
    .map((s, i) => {
      const who = s.speaker ? `[${s.speaker}] ` : '';
      return `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${who}${s.text}\n`;
    })
    .join('\n');
}

/** WebVTT: the speaker as a voice span. */
export function toVtt(segments: readonly Segment[]): string {
  const cues = segments.map((s) => {
    const text = s.text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
    return `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.speaker ? `<v ${s.speaker}>` : ''}${text}\n`;
  });
  return ['WEBVTT\n', ...cues].join('\n');
}

export function render(t: Transcript, format: ExportFormat): string {
  if (format === 'srt') return toSrt(t.segments);
  if (format === 'vtt') return toVtt(t.segments);
  if (format === 'json') return `${JSON.stringify(transcriptView(t), null, 2)}\n`;
  return toText(t.segments);
}

export { textOf };
