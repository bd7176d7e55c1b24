import { ErrorCode, isNemoError, NemoError, type Logger, type ServiceClient } from '@nemo/common';
import type { TranscriptStore } from './store.js';
import type { Enrichment, Segment, Transcript } from './transcript.js';

export type EnrichmentKind = 'emotion' | 'rag';

export interface EnricherDeps {
  /** Absent: emotion is not configured (or disabled); segments are not classified. */
  readonly emotion: ServiceClient | undefined;
  readonly rag: ServiceClient | undefined;
  readonly store: TranscriptStore | undefined;
  readonly logger: Logger;
  /** First retry delay; doubles per attempt up to an hour. */
  readonly retryMs: number;
  readonly maxAttempts?: number;
  /** Called after an enrichment changed a transcript (to update the copy jobs hold). */
  readonly changed?: (t: Transcript) => void;
}

interface EmotionAnswer {
  segments: { label: string; score: number }[];
}

const MAX_RETRY_MS = 3_600_000;
const EMOTION_BATCH = 512;

/**
 * Sends finished transcripts downstream: their segments to emotion, the
 * transcript to rag, each as the transcript's owner. A failed call never
 * fails the transcript: the enrichment stays `pending` with the error code,
 * and is retried with backoff (after a restart too, from PostgreSQL) until
 * it succeeds or runs out of attempts (`failed`).
 */
export class Enricher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: EnricherDeps) {}

  /** The enrichment a new transcript owes, by what is configured. */
  initial(): Transcript['enrichment'] {
    const state = (client: ServiceClient | undefined): Enrichment => ({
      state: client ? 'pending' : 'disabled',
      attempts: 0,
    });
    return { emotion: state(this.deps.emotion), rag: state(this.deps.rag) };
  }

  /** Runs every pending enrichment of a completed transcript once; failures are scheduled for retry. */
  async enrich(t: Transcript): Promise<void> {
    if (this.deps.emotion && t.enrichment.emotion.state === 'pending') await this.attempt(t, 'emotion');
    if (this.deps.rag && t.enrichment.rag.state === 'pending') await this.attempt(t, 'rag');
  }

  /** Picks up what a previous process left pending. */
  async resume(): Promise<void> {
    if (!this.deps.store) return;
    for (const id of await this.deps.store.pendingEnrichment()) {
      const t = await this.deps.store.byId(id);
      if (t) await this.enrich(t);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(t: Transcript, kind: EnrichmentKind): Promise<void> {
    const record = t.enrichment[kind];
    record.attempts += 1;
    try {
      if (kind === 'emotion') await this.classify(t);
      else await this.index(t);
      t.enrichment[kind] = { state: 'done', attempts: record.attempts };
    } catch (err) {
      const code = isNemoError(err) ? err.code : 'NEMO_ERR_INTERNAL';
      const gaveUp = record.attempts >= (this.deps.maxAttempts ?? 8);
      t.enrichment[kind] = { state: gaveUp ? 'failed' : 'pending', attempts: record.attempts, lastError: code };
      this.deps.logger.warn({ err, transcript: t.id, kind, attempts: record.attempts }, 'Enrichment failed');
      if (!gaveUp) this.retryLater(t, kind, record.attempts);
    }
    await this.deps.store?.setEnrichment(t.id, kind, t.enrichment[kind]).catch((err: unknown) => {
      this.deps.logger.error({ err, transcript: t.id }, 'Enrichment state not stored');
    });
    this.deps.changed?.(t);
  }

  private retryLater(t: Transcript, kind: EnrichmentKind, attempts: number): void {
    if (this.closed) return;
    const delay = Math.min(MAX_RETRY_MS, this.deps.retryMs * 2 ** (attempts - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(t, kind);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async classify(t: Transcript): Promise<void> {
    const spoken = t.segments.filter((s) => s.text.trim());
    for (let i = 0; i < spoken.length; i += EMOTION_BATCH) {
      const batch = spoken.slice(i, i + EMOTION_BATCH);
      const res = await this.deps.emotion!.call<EmotionAnswer>('/v1/segments', {
        method: 'POST',
        body: { streamId: t.id, segments: batch.map(plainSegment) },
        subject: t.owner.subject,
        tenant: t.owner.tenant,
      });
      expectOk(res.status, 'emotion');
      batch.forEach((s, k) => {
        const answer = res.body.segments[k];
        if (answer) s.emotion = { label: answer.label, score: answer.score };
      });
    }
    await this.deps.store?.setEmotions(t.id, spoken);
  }

  private async index(t: Transcript): Promise<void> {
    const spoken = t.segments.filter((s) => s.text.trim());
    if (spoken.length === 0) return;
    const res = await this.deps.rag!.call('/v1/transcripts', {
      method: 'POST',
      body: {
        id: t.id,
        title: t.filename ? `Transcript of ${t.filename}` : `Live transcript ${t.createdAt}`,
        source: `transcription:${t.id}`,
        tags: ['transcript'],
        documentDate: t.createdAt,
        segments: spoken.map(plainSegment),
      },
      subject: t.owner.subject,
      tenant: t.owner.tenant,
    });
    expectOk(res.status, 'rag');
  }
}

const plainSegment = (s: Segment) => ({ speaker: s.speaker ?? 'unknown', start: s.start, end: s.end, text: s.text });

function expectOk(status: number, service: string): void {
  if (status < 300) return;
  throw new NemoError(ErrorCode.UpstreamFailed, `The ${service} service refused the call.`, {
    cause: new Error(`${service} answered ${status}`),
  });
}
