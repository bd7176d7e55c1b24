import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  ErrorCode,
  isNemoError,
  NemoError,
  notFound,
  PLATFORM_TENANT,
  type GpuLease,
  type GpuLeaseClient,
  type InsightsEventsClient,
  type Logger,
} from '@nemo/common';
import { queueFullError } from '@nemo/inference';
import type { DecodedAudio } from './audio/decode.js';
import type { Enricher } from './enrichment.js';
import { transcribeAudio, type PipelineDeps } from './pipeline.js';
import type { TranscriptStore } from './store.js';
import { TranscriptStatus, type Owner, type Segment, type Transcript, type TranscriptError } from './transcript.js';

export interface TranscriptionSettings {
  readonly model: string;
  readonly diarization: boolean;
  readonly maxSpeakers: number;
  /** File jobs waiting beyond the one running. */
  readonly maxQueue: number;
  readonly leaseDeadlineMs: number;
  readonly msPerAudioSecond: number;
}

export interface ServiceDeps extends PipelineDeps {
  readonly store: TranscriptStore | undefined;
  readonly enricher: Enricher;
  /** Absent: no coordinator configured; decoding runs without GPU leases. */
  readonly leases: GpuLeaseClient | undefined;
  /** Absent: no insights configured (NEMO_INSIGHTS_URL). */
  readonly insights?: InsightsEventsClient | undefined;
  readonly logger: Logger;
  readonly settings: TranscriptionSettings;
}

export interface FileRequest {
  readonly audio: DecodedAudio;
  readonly filename: string | null;
  readonly language?: string;
  readonly diarization?: boolean;
  readonly speakers?: number;
  readonly maxSpeakers?: number;
}

export type JobEvent =
  | { type: 'status'; status: TranscriptStatus }
  | { type: 'progress'; processedSeconds: number; totalSeconds: number }
  | { type: 'segment'; segment: Segment }
  | { type: 'completed'; transcript: Transcript }
  | { type: 'failed'; error: TranscriptError };

interface Job {
  readonly transcript: Transcript;
  readonly events: EventEmitter;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/** The insights schema's limit for transcript.text. */
const MAX_EVENT_TEXT = 200_000;

/** Finished jobs kept in memory (all there is without PostgreSQL). */
const KEEP_FINISHED = 500;

/**
 * File transcription as jobs: admitted against a bounded queue, run one at a
 * time per replica under a batch GPU lease, with progress and segments as
 * events, stored when done and sent downstream for enrichment.
 */
export class TranscriptionService {
  private readonly jobs = new Map<string, Job>();
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;
  private running = 0;
  readonly stats = { completed: 0, failed: 0, audioSeconds: 0 };

  constructor(private readonly deps: ServiceDeps) {}

  /** The ASR runtime's python, which also decodes compressed uploads. */
  get python(): string {
    return this.deps.asr.python;
  }

  get model(): string {
    return this.deps.settings.model;
  }

  get queued(): number {
    return this.waiting;
  }

  /** Starts a job and returns its transcript at once (status queued); 503 when the queue is full. */
  submit(owner: Owner, request: FileRequest): Transcript {
    if (this.waiting >= this.deps.settings.maxQueue + (this.running === 0 ? 1 : 0)) {
      throw queueFullError('transcription', this.deps.settings.maxQueue);
    }
    const transcript = this.newTranscript(owner, request);
    const events = new EventEmitter();
    const abort = new AbortController();
    this.waiting++;
    const done = (this.chain = this.chain.then(() => this.execute(job, request)));
    const job: Job = { transcript, events, abort, done };
    this.jobs.set(transcript.id, job);
    return transcript;
  }

  /** Transcribes and waits; a failure is thrown as the error it was (429 for a refused lease). */
  async run(owner: Owner, request: FileRequest, signal?: AbortSignal): Promise<Transcript> {
    const transcript = this.submit(owner, request);
    const job = this.jobs.get(transcript.id)!;
    const onAbort = (): void => job.abort.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await job.done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (transcript.status === TranscriptStatus.Failed)
      throw job.transcript.error ? asError(job.transcript.error) : gone();
    return transcript;
  }

  async get(owner: Owner, id: string): Promise<Transcript> {
    const job = this.jobs.get(id);
    if (job && sameOwner(job.transcript.owner, owner)) return job.transcript;
    const stored = isUuid(id) ? await this.deps.store?.get(owner, id) : undefined;
    if (!stored) throw notFound(`Transcript ${id}`);
    return stored;
  }

  async list(owner: Owner): Promise<Transcript[]> {
    const inMemory = [...this.jobs.values()].map((j) => j.transcript).filter((t) => sameOwner(t.owner, owner));
    const stored = (await this.deps.store?.list(owner)) ?? [];
    const seen = new Set(inMemory.map((t) => t.id));
    return [...inMemory, ...stored.filter((t) => !seen.has(t.id))].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
  }

  async delete(owner: Owner, id: string): Promise<void> {
    const job = this.jobs.get(id);
    const mine = job && sameOwner(job.transcript.owner, owner);
    if (mine) {
      job.abort.abort(new NemoError(ErrorCode.Conflict, 'The transcript was deleted.'));
      this.jobs.delete(id);
    }
    const deleted = isUuid(id) ? await this.deps.store?.delete(owner, id) : false;
    if (!mine && !deleted) throw notFound(`Transcript ${id}`);
  }

  /**
   * Follows a job: `listener` gets every event from now on; returns the
   * transcript as it stands and a function that stops listening. A finished
   * transcript (in memory or stored) has no events to follow.
   */
  async follow(owner: Owner, id: string, listener: (e: JobEvent) => void): Promise<[Transcript, () => void]> {
    const transcript = await this.get(owner, id);
    const job = this.jobs.get(id);
    if (!job || isFinished(transcript)) return [transcript, () => undefined];
    job.events.on('event', listener);
    return [transcript, () => job.events.off('event', listener)];
  }

  /** Registers a transcript made elsewhere (a live stream's) so it can be read and followed. */
  adopt(transcript: Transcript): void {
    const done = Promise.resolve();
    this.jobs.set(transcript.id, { transcript, events: new EventEmitter(), abort: new AbortController(), done });
    this.prune();
  }

  /** Waits (bounded) for running jobs, so the model is never closed under one. */
  async drain(timeoutMs: number): Promise<void> {
    const all = this.chain.then(() => Promise.all([...this.finishing]));
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Stores a finished transcript and sends it downstream; enrichment never fails it. */
  async finish(t: Transcript): Promise<void> {
    try {
      await this.deps.store?.save(t);
    } catch (err) {
      this.deps.logger.error({ err, transcript: t.id }, 'Transcript not stored');
    }
    if (t.status !== TranscriptStatus.Completed) return;
    this.report(t);
    await this.deps.enricher.enrich(t);
  }

  /** Audio seconds against the tenant's budget, and the text for top terms (file jobs and streams alike). */
  private report(t: Transcript): void {
    const events = this.deps.insights;
    if (!events) return;
    const who = { tenant: t.owner.tenant || PLATFORM_TENANT, ...(t.owner.subject ? { userId: t.owner.subject } : {}) };
    events.emit({ type: 'transcription.usage', ...who, audioSeconds: t.durationSeconds });
    const text = t.segments
      .map((s) => s.text.trim())
      .join(' ')
      .slice(0, MAX_EVENT_TEXT);
    if (text) events.emit({ type: 'transcript.text', ...who, transcriptId: t.id, text });
  }

  private newTranscript(owner: Owner, request: FileRequest): Transcript {
    const seconds = request.audio.info.durationSeconds;
    return {
      id: randomUUID(),
      owner,
      status: TranscriptStatus.Queued,
      source: 'file',
      filename: request.filename,
      model: this.deps.settings.model,
      language: request.language ?? 'en',
      durationSeconds: seconds,
      progress: { processedSeconds: 0, totalSeconds: seconds },
      speakers: [],
      segments: [],
      error: null,
      enrichment: this.deps.enricher.initial(),
      createdAt: new Date().toISOString(),
      completedAt: null,
    };
  }

  private async execute(job: Job, request: FileRequest): Promise<void> {
    this.waiting--;
    this.running++;
    const t = job.transcript;
    const emit = (e: JobEvent): void => void job.events.emit('event', e);
    try {
      job.abort.signal.throwIfAborted();
      t.status = TranscriptStatus.Running;
      emit({ type: 'status', status: t.status });
      await this.decode(job, request, emit);
      t.status = TranscriptStatus.Completed;
      this.stats.completed++;
      this.stats.audioSeconds += t.durationSeconds;
    } catch (err) {
      t.status = TranscriptStatus.Failed;
      t.error = errorOf(err);
      this.stats.failed++;
      if (!isNemoError(err)) this.deps.logger.error({ err, transcript: t.id }, 'Transcription failed');
    } finally {
      this.running--;
    }
    t.completedAt = new Date().toISOString();
    emit(t.error ? { type: 'failed', error: t.error } : { type: 'completed', transcript: t });
    job.events.removeAllListeners();
    // Stored and enriched off the queue: the next job need not wait for emotion or rag.
    if (this.jobs.has(t.id)) this.track(this.finish(t));
    this.prune();
  }

  private readonly finishing = new Set<Promise<void>>();

  private track(p: Promise<void>): void {
    this.finishing.add(p);
    void p.finally(() => this.finishing.delete(p));
  }

  private async decode(job: Job, request: FileRequest, emit: (e: JobEvent) => void): Promise<void> {
    const t = job.transcript;
    const { settings } = this.deps;
    const result = await transcribeAudio(request.audio.samples, this.deps, {
      ...(request.language ? { language: request.language } : {}),
      diarization: request.diarization ?? settings.diarization,
      maxSpeakers: Math.min(request.maxSpeakers ?? settings.maxSpeakers, settings.maxSpeakers),
      ...(request.speakers ? { speakers: request.speakers } : {}),
      signal: job.abort.signal,
      hold: (work) => this.holdLease(job, request, work),
      onProgress: (processed, total) => {
        const fraction = processed / Math.max(total, 1e-9);
        t.progress = { processedSeconds: fraction * t.durationSeconds, totalSeconds: t.durationSeconds };
        emit({ type: 'progress', ...t.progress });
      },
      onSegment: (segment) => {
        t.segments.push(segment);
        emit({ type: 'segment', segment });
      },
    });
    t.speakers = result.speakers;
    t.language = result.language;
    t.progress = { processedSeconds: t.durationSeconds, totalSeconds: t.durationSeconds };
    this.deps.logger.info(
      { transcript: t.id, seconds: t.durationSeconds, segments: t.segments.length, ...result.timings },
      'Transcribed file',
    );
  }

  /** The decoding under a batch GPU lease (none without a coordinator); released however it ends. */
  private async holdLease(
    job: Job,
    request: FileRequest,
    work: (signal: AbortSignal | undefined) => Promise<void>,
  ): Promise<void> {
    const signal = job.abort.signal;
    const lease = await this.lease(job.transcript.owner, request, signal);
    try {
      await work(lease?.signal);
    } finally {
      await lease?.release(signal.aborted ? 'aborted' : 'released');
    }
  }

  private lease(owner: Owner, request: FileRequest, signal: AbortSignal): Promise<GpuLease | undefined> {
    if (!this.deps.leases) return Promise.resolve(undefined);
    const { settings } = this.deps;
    return this.deps.leases.acquire({
      workload: 'asr',
      class: 'batch',
      expectedMs: Math.max(1, Math.ceil(request.audio.info.durationSeconds * settings.msPerAudioSecond)),
      deadlineMs: settings.leaseDeadlineMs,
      signal,
      ...leaseOwner(owner),
    });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => isFinished(j.transcript));
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(job.transcript.id);
    }
  }
}

const isFinished = (t: Transcript): boolean =>
  t.status === TranscriptStatus.Completed || t.status === TranscriptStatus.Failed;

const sameOwner = (a: Owner, b: Owner): boolean => a.tenant === b.tenant && a.subject === b.subject;

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function errorOf(err: unknown): TranscriptError {
  if (isNemoError(err)) {
    return {
      code: err.code,
      message: err.message,
      ...(err.retryAfterSeconds ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    };
  }
  return {
    code: ErrorCode.Internal,
    message: 'The transcription failed; the transcript id identifies it in the logs.',
  };
}

function asError(e: TranscriptError): NemoError {
  const code = (Object.values(ErrorCode) as string[]).includes(e.code) ? (e.code as ErrorCode) : ErrorCode.Internal;
  return new NemoError(code, e.message, e.retryAfterSeconds ? { retryAfterSeconds: e.retryAfterSeconds } : {});
}

const gone = (): NemoError => new NemoError(ErrorCode.Internal, 'The transcription failed.');

/** The user a lease is for, so the coordinator files its wait under them (absent for platform work). */
export function leaseOwner(owner: Owner): { tenant?: string; userId?: string } {
  return owner.tenant && owner.subject ? { tenant: owner.tenant, userId: owner.subject } : {};
}
