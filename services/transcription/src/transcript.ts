/** The caller a transcript belongs to: the user and tenant from the S2S token. */
export interface Owner {
  readonly tenant: string;
  readonly subject: string;
}

export interface SegmentEmotion {
  readonly label: string;
  readonly score: number;
}

/** One stretch of speech: times in seconds from the start of the audio. */
export interface Segment {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** speaker_1, speaker_2, ... in order of first appearance; null without diarization. */
  readonly speaker: string | null;
  /** exp(average token log-probability) of the decoded text, in (0, 1]. */
  readonly confidence: number;
  /** From the emotion service; null until (or unless) it has classified the segment. */
  emotion: SegmentEmotion | null;
}

export const TranscriptStatus = {
  Queued: 'queued',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
} as const;
export type TranscriptStatus = (typeof TranscriptStatus)[keyof typeof TranscriptStatus];

/** disabled: not configured; pending: not done yet (or failed and to be retried); done; failed: gave up. */
export type EnrichmentState = 'disabled' | 'pending' | 'done' | 'failed';

export interface Enrichment {
  state: EnrichmentState;
  attempts: number;
  /** Why the last attempt failed (a catalogue code), while pending or failed. */
  lastError?: string;
}

export interface TranscriptError {
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

export interface Transcript {
  readonly id: string;
  readonly owner: Owner;
  status: TranscriptStatus;
  readonly source: 'file' | 'live';
  readonly filename: string | null;
  readonly model: string;
  language: string;
  durationSeconds: number;
  progress: { processedSeconds: number; totalSeconds: number };
  speakers: string[];
  segments: Segment[];
  error: TranscriptError | null;
  enrichment: { emotion: Enrichment; rag: Enrichment };
  readonly createdAt: string;
  completedAt: string | null;
}

/** What a client sees: everything but the owner. */
export function transcriptView(t: Transcript, withSegments = true): Record<string, unknown> {
  const { owner: _owner, segments, ...rest } = t;
  const fraction = t.progress.totalSeconds > 0 ? t.progress.processedSeconds / t.progress.totalSeconds : 0;
  return {
    ...rest,
    progress: { ...t.progress, fraction: t.status === TranscriptStatus.Completed ? 1 : Math.min(1, fraction) },
    text: textOf(segments),
    ...(withSegments ? { segments } : {}),
  };
}

export const textOf = (segments: readonly Segment[]): string =>
  segments
    .map((s) => s.text)
    .join(' ')
    .trim();
