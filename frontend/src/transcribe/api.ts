import { retryWhenBusy } from '../api/busy.js';
import { getJson, request } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { sendWithProgress } from '../api/upload.js';
import { sseEvents } from '../chat/sse.js';

/** The transcription service behind the gateway's /api/transcription/ route. */
const BASE = '/api/transcription/v1/transcriptions';

export interface SegmentEmotion {
  label: string;
  score: number;
}

/** One stretch of speech; times in seconds from the start of the audio. */
export interface Segment {
  id: number;
  start: number;
  end: number;
  text: string;
  /** speaker_1, speaker_2, ... ; null without diarization. */
  speaker: string | null;
  confidence: number;
  emotion: SegmentEmotion | null;
}

export type TranscriptStatus = 'queued' | 'running' | 'completed' | 'failed';
type EnrichmentState = 'disabled' | 'pending' | 'done' | 'failed';

export interface Transcript {
  id: string;
  status: TranscriptStatus;
  source: 'file' | 'live';
  filename: string | null;
  model: string;
  language: string;
  durationSeconds: number;
  progress: { processedSeconds: number; totalSeconds: number; fraction: number };
  speakers: string[];
  /** Absent in lists. */
  segments?: Segment[];
  text: string;
  error: { code: string; message: string; retryAfterSeconds?: number } | null;
  enrichment: { emotion: { state: EnrichmentState }; rag: { state: EnrichmentState } };
  createdAt: string;
  completedAt: string | null;
}

export const EXPORT_FORMATS = [
  { format: 'txt', label: 'text' },
  { format: 'srt', label: 'SRT' },
  { format: 'json', label: 'JSON' },
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number]['format'];

export interface FollowHandlers {
  onProgress: (fraction: number) => void;
  onSegment: (segment: Segment) => void;
  /** Called each second while the platform answers busy (429), until following resumes. */
  onBusy: (secondsLeft: number) => void;
}

const byId = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;
const isFinished = (t: Transcript): boolean => t.status === 'completed' || t.status === 'failed';

/** A failed job as an error to show: the service's message is written for people. */
const jobFailure = (error: Transcript['error']): ApiError =>
  new ApiError(
    502,
    error?.message ?? 'The transcription failed. Try again, or try a shorter recording.',
    error?.code,
    error?.retryAfterSeconds,
  );

export const transcriptionApi = {
  list: async () => (await getJson<{ transcripts: Transcript[] }>(BASE)).transcripts,
  get: (id: string) => getJson<Transcript>(byId(id)),
  remove: (id: string) => getJson<void>(byId(id), { method: 'DELETE' }),

  /** Sends the recording as the request body; the job runs on the server and answers 202 at once. */
  upload(file: File, diarization: boolean, onProgress: (fraction: number) => void): Promise<Transcript> {
    const query = new URLSearchParams({ filename: file.name, diarization: String(diarization) });
    // The service tells formats apart by the file's first bytes, so browsers' varied audio types don't matter.
    return sendWithProgress<Transcript>(`${BASE}?${query.toString()}`, file, 'application/octet-stream', onProgress);
  },

  /**
   * Follows a job's events until it completes, resolving with the whole
   * transcript (rejecting with the service's reason if it fails). A dropped
   * stream is reopened: the service starts each with the job's status. A busy
   * answer is waited out: the job runs on the server whether we follow or not.
   */
  async follow(id: string, on: FollowHandlers, signal: AbortSignal): Promise<Transcript> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const final = await retryWhenBusy(() => followOnce(id, on, signal), on.onBusy, signal);
      if (final) return final;
      const now = await retryWhenBusy(() => transcriptionApi.get(id), on.onBusy, signal);
      if (isFinished(now)) return finished(now);
    }
    throw new ApiError(0, 'Lost track of the transcription. Open it from your transcriptions below to see it.');
  },

  /** An export as a file: fetched with the user's token (which lives in memory), saved through a Blob URL. */
  async download(id: string, format: ExportFormat): Promise<void> {
    const res = await request(`${byId(id)}/export?format=${format}`, { headers: { accept: '*/*' } });
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    saveBlob(await res.blob(), name ?? `transcript-${id}.${format}`);
  },
};

function finished(t: Transcript): Transcript {
  if (t.status === 'failed') throw jobFailure(t.error);
  return t;
}

/** One events stream: the final transcript, or undefined if the stream ended first. */
async function followOnce(id: string, on: FollowHandlers, signal: AbortSignal): Promise<Transcript | undefined> {
  const res = await request(`${byId(id)}/events`, { headers: { accept: 'text/event-stream' }, signal });
  if (!res.body) return undefined;
  for await (const { event, data } of sseEvents(res.body)) {
    const payload = JSON.parse(data) as Record<string, unknown>;
    const final = handleEvent(event, payload, on);
    if (final) return final;
  }
  return undefined;
}

function handleEvent(event: string, payload: Record<string, unknown>, on: FollowHandlers): Transcript | undefined {
  switch (event) {
    case 'status':
      if ('progress' in payload) on.onProgress((payload as unknown as Transcript).progress.fraction);
      return undefined;
    case 'progress': {
      const { processedSeconds, totalSeconds } = payload as { processedSeconds: number; totalSeconds: number };
      on.onProgress(totalSeconds > 0 ? Math.min(1, processedSeconds / totalSeconds) : 0);
      return undefined;
    }
    case 'segment':
      on.onSegment((payload as { segment: Segment }).segment);
      return undefined;
    case 'completed':
      return payload as unknown as Transcript;
    case 'failed':
      throw jobFailure((payload as { error: Transcript['error'] }).error);
    default:
      return undefined;
  }
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
