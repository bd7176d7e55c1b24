import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  isNemoError,
  type GpuLease,
  type GpuLeaseClient,
  type Logger,
  type ServiceClient,
} from '@nemo/common';
import {
  ASR_SAMPLE_RATE,
  embedSpeaker,
  SpeakerTracker,
  type AsrSegment,
  type SileroVad,
  type SpeechRecognizer,
  type VadStream,
} from '@nemo/inference';
import type { WebSocket } from 'ws';
import { leaseOwner, type TranscriptionService } from './service.js';
import { TranscriptStatus, type Owner, type Segment, type Transcript } from './transcript.js';

export interface LiveSettings {
  readonly model: string;
  readonly leaseDeadlineMs: number;
  readonly msPerAudioSecond: number;
  readonly maxSpeakers: number;
  /** A partial decode of the utterance so far, every this much new speech. */
  readonly partialIntervalMs: number;
  /** Silence that ends an utterance (then it is decoded as final). */
  readonly endSilenceMs: number;
  readonly maxUtteranceSeconds: number;
}

export const DEFAULT_LIVE_SETTINGS = { partialIntervalMs: 1000, endSilenceMs: 500, maxUtteranceSeconds: 25 };

export interface LiveDeps {
  readonly asr: SpeechRecognizer;
  readonly vad: SileroVad;
  readonly leases: GpuLeaseClient | undefined;
  readonly emotion: ServiceClient | undefined;
  readonly service: TranscriptionService;
  readonly initialEnrichment: () => Transcript['enrichment'];
  readonly logger: Logger;
  readonly settings: LiveSettings;
}

export interface LiveOptions {
  readonly language?: string;
  readonly diarization: boolean;
}

interface Utterance {
  readonly id: number;
  readonly start: number;
  lastSpeech: number;
  lastPartialAt: number;
}

interface Piece {
  readonly start: number;
  readonly samples: Float32Array;
}

const SPEECH = 0.5;
const SILENCE = 0.35;
const PREROLL = 0.3 * ASR_SAMPLE_RATE;
const PAD = 0.1 * ASR_SAMPLE_RATE;
/** Above this much unsent data the client is slow: partials are skipped... */
const SLOW_CONSUMER_BYTES = 256 * 1024;
/** ...and above this the connection is closed (1013, try again later). */
const STALLED_CONSUMER_BYTES = 8 * 1024 * 1024;
const PROMPT_CHARS = 200;
/** Finals waiting to be decoded before the stream is refused as too fast for this replica. */
const MAX_PENDING_FINALS = 8;

/**
 * One live transcription over a WebSocket: 16 kHz 16-bit mono PCM in, and
 * out `partial` decodes of the utterance so far (about every second of
 * speech, skipped when the decoder or the client is behind) and a `final`
 * segment for each utterance once 0.5 s of silence ends it, labelled by the
 * stream's speaker tracker. Every decode holds a realtime GPU lease. Final
 * segments go to emotion as they come; the transcript is stored, and sent
 * to rag, when the stream ends.
 */
export class LiveSession {
  readonly transcript: Transcript;
  private readonly stream: VadStream;
  private readonly tracker: SpeakerTracker;
  private pieces: Piece[] = [];
  private received = 0;
  private framesSeen = 0;
  private utterance: Utterance | undefined;
  private silence = 0;
  private utterances = 0;
  private ingest: Promise<void> = Promise.resolve();
  private finals: Promise<void> = Promise.resolve();
  private pendingFinals = 0;
  private partialBusy = false;
  private ended = false;
  private readonly lease: StreamLease;

  constructor(
    private readonly socket: WebSocket,
    owner: Owner,
    private readonly deps: LiveDeps,
    private readonly options: LiveOptions,
  ) {
    this.stream = deps.vad.stream();
    this.lease = new StreamLease(deps.leases, owner);
    this.tracker = new SpeakerTracker({ maxSpeakers: deps.settings.maxSpeakers });
    this.transcript = {
      id: randomUUID(),
      owner,
      status: TranscriptStatus.Running,
      source: 'live',
      filename: null,
      model: deps.settings.model,
      language: options.language ?? 'en',
      durationSeconds: 0,
      progress: { processedSeconds: 0, totalSeconds: 0 },
      speakers: [],
      segments: [],
      error: null,
      enrichment: deps.initialEnrichment(),
      createdAt: new Date().toISOString(),
      completedAt: null,
    };
    deps.service.adopt(this.transcript);
  }

  start(): void {
    this.send({ type: 'ready', id: this.transcript.id, sampleRate: ASR_SAMPLE_RATE, model: this.deps.settings.model });
  }

  /** A binary frame: little-endian 16-bit PCM. */
  audio(data: Buffer): void {
    if (this.ended) return;
    if (data.length % 2 !== 0)
      return this.fail(ErrorCode.BadRequest, 'Audio frames are 16-bit PCM: an even number of bytes.');
    if (this.pendingFinals > MAX_PENDING_FINALS) {
      return this.fail(
        ErrorCode.Unavailable,
        'The stream is ahead of what this replica can decode; slow down or retry.',
      );
    }
    const pcm = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    const samples = Float32Array.from(pcm, (s) => s / 32768);
    this.pieces.push({ start: this.received, samples });
    this.received += samples.length;
    this.ingest = this.ingest.then(() => this.detect(samples)).catch((err: unknown) => this.crash(err));
  }

  /** The client is done: decode what is left, say done, store the transcript, close. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.ingest;
    if (this.utterance) this.finalize(this.utterance, this.received);
    await this.finals;
    this.complete();
    this.send({ type: 'done', id: this.transcript.id, durationSeconds: this.transcript.durationSeconds });
    this.socket.close(1000, 'done');
    await this.deps.service.finish(this.transcript);
  }

  /** The socket went away without `end`: keep what was final, drop the rest. */
  async abandon(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.finals;
    this.complete();
    await this.deps.service.finish(this.transcript);
  }

  private complete(): void {
    const t = this.transcript;
    t.durationSeconds = this.received / ASR_SAMPLE_RATE;
    t.progress = { processedSeconds: t.durationSeconds, totalSeconds: t.durationSeconds };
    t.speakers = [...new Set(t.segments.map((s) => s.speaker).filter((s): s is string => s !== null))];
    t.status = TranscriptStatus.Completed;
    t.completedAt = new Date().toISOString();
    const unclassified = t.segments.some((s) => s.emotion === null);
    if (t.enrichment.emotion.state === 'pending' && !unclassified && t.segments.length > 0) {
      t.enrichment.emotion = { state: 'done', attempts: 1 };
    }
  }

  private async detect(samples: Float32Array): Promise<void> {
    const probs = await this.stream.push(samples);
    for (const p of probs) this.frame(p, this.framesSeen++ * this.stream.frameSamples);
  }

  private frame(prob: number, at: number): void {
    const end = at + this.stream.frameSamples;
    if (prob >= SPEECH) this.speech(at, end);
    else if (this.utterance && prob < SILENCE) this.silence += this.stream.frameSamples;
    const u = this.utterance;
    if (!u) return this.trim(end - PREROLL);
    const { endSilenceMs, maxUtteranceSeconds, partialIntervalMs } = this.deps.settings;
    if (
      this.silence >= (endSilenceMs / 1000) * ASR_SAMPLE_RATE ||
      end - u.start >= maxUtteranceSeconds * ASR_SAMPLE_RATE
    ) {
      this.finalize(u, Math.min(end, u.lastSpeech + PAD));
    } else if (end - u.lastPartialAt >= (partialIntervalMs / 1000) * ASR_SAMPLE_RATE) {
      u.lastPartialAt = end;
      void this.partial(u, end);
    }
  }

  private speech(at: number, end: number): void {
    this.silence = 0;
    if (this.utterance) this.utterance.lastSpeech = end;
    else
      this.utterance = { id: this.utterances++, start: Math.max(0, at - PREROLL), lastSpeech: end, lastPartialAt: at };
  }

  private finalize(u: Utterance, end: number): void {
    this.utterance = undefined;
    this.silence = 0;
    const audio = this.samplesFrom(u.start, end);
    this.trim(end);
    this.pendingFinals++;
    this.finals = this.finals
      .then(() => this.decodeFinal(u.start, audio))
      .catch((err: unknown) => this.report(err))
      .finally(() => void this.pendingFinals--);
  }

  private async partial(u: Utterance, end: number): Promise<void> {
    if (this.partialBusy || this.pendingFinals > 0 || this.socket.bufferedAmount > SLOW_CONSUMER_BYTES) return;
    this.partialBusy = true;
    try {
      const result = await this.decode(this.samplesFrom(u.start, end), this.deps.settings.leaseDeadlineMs / 4);
      if (this.utterance?.id !== u.id || !result) return;
      const text = result.segments
        .map((s) => s.text)
        .join(' ')
        .trim();
      if (text) this.send({ type: 'partial', text, start: u.start / ASR_SAMPLE_RATE, end: end / ASR_SAMPLE_RATE });
    } catch (err) {
      this.deps.logger.debug({ err }, 'Partial decode skipped');
    } finally {
      this.partialBusy = false;
    }
  }

  private async decodeFinal(start: number, audio: Float32Array): Promise<void> {
    const result = await this.decode(audio, this.deps.settings.leaseDeadlineMs);
    if (!result) return;
    const speaker = this.options.diarization ? this.tracker.assign(embedSpeaker(audio)) : null;
    for (const s of result.segments) this.publish(s, start / ASR_SAMPLE_RATE, speaker);
  }

  private publish(s: AsrSegment, offset: number, speaker: string | null): void {
    const text = s.text.trim();
    if (!text) return;
    const segment: Segment = {
      id: this.transcript.segments.length,
      start: offset + s.start,
      end: offset + s.end,
      text,
      speaker,
      confidence: Math.min(1, Math.exp(s.avgLogprob)),
      emotion: null,
    };
    this.transcript.segments.push(segment);
    this.send({ type: 'final', segment });
    void this.classify(segment);
  }

  /** One decode under the stream's realtime lease. */
  private decode(audio: Float32Array, deadlineMs: number) {
    const expectedMs = Math.max(1, Math.ceil((audio.length / ASR_SAMPLE_RATE) * this.deps.settings.msPerAudioSecond));
    // The stream's last words so far: Whisper decodes an utterance better knowing what came before.
    const prompt = this.transcript.segments
      .map((s) => s.text)
      .join(' ')
      .slice(-PROMPT_CHARS);
    return this.lease.use({ expectedMs, deadlineMs }, (signal) =>
      this.deps.asr.transcribe(audio, {
        ...(this.options.language ? { language: this.options.language } : {}),
        ...(prompt ? { prompt } : {}),
        ...(signal ? { signal } : {}),
      }),
    );
  }

  private async classify(segment: Segment): Promise<void> {
    const { emotion } = this.deps;
    if (!emotion || this.transcript.enrichment.emotion.state === 'disabled') return;
    const { owner, id } = this.transcript;
    try {
      const res = await emotion.call<{ segments: { label: string; score: number }[] }>('/v1/segments', {
        method: 'POST',
        body: {
          streamId: id,
          segments: [
            { speaker: segment.speaker ?? 'unknown', start: segment.start, end: segment.end, text: segment.text },
          ],
        },
        subject: owner.subject,
        tenant: owner.tenant,
      });
      const answer = res.status < 300 ? res.body.segments[0] : undefined;
      if (!answer) throw new Error(`emotion answered ${res.status}`);
      segment.emotion = { label: answer.label, score: answer.score };
      this.send({ type: 'emotion', segmentId: segment.id, emotion: segment.emotion });
    } catch (err) {
      this.deps.logger.warn({ err, transcript: id }, 'Emotion for a live segment failed; retried when the stream ends');
    }
  }

  /** The received audio in [from, to), from the pieces still held. */
  private samplesFrom(from: number, to: number): Float32Array {
    const out = new Float32Array(Math.max(0, to - from));
    for (const p of this.pieces) {
      const a = Math.max(from, p.start);
      const b = Math.min(to, p.start + p.samples.length);
      if (a < b) out.set(p.samples.subarray(a - p.start, b - p.start), a - from);
    }
    return out;
  }

  /** Forgets audio before `keepFrom` (never what a running utterance needs). */
  private trim(keepFrom: number): void {
    const from = Math.min(keepFrom, this.utterance?.start ?? keepFrom);
    this.pieces = this.pieces.filter((p) => p.start + p.samples.length > from);
  }

  private send(message: object): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > STALLED_CONSUMER_BYTES) {
      this.socket.close(1013, 'The client is not reading; try again later.');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private report(err: unknown): void {
    const known = isNemoError(err);
    if (!known) this.deps.logger.error({ err, transcript: this.transcript.id }, 'Live decode failed');
    this.send({
      type: 'error',
      error: {
        code: known ? err.code : ErrorCode.Internal,
        message: known ? err.message : 'Decoding this utterance failed.',
        ...(known && err.retryAfterSeconds ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
      },
    });
  }

  private fail(code: ErrorCode, message: string): void {
    this.send({ type: 'error', error: { code, message } });
    this.socket.close(code === ErrorCode.BadRequest ? 1007 : 1013, message.slice(0, 120));
  }

  private crash(err: unknown): void {
    this.deps.logger.error({ err, transcript: this.transcript.id }, 'Live stream failed');
    this.fail(ErrorCode.Internal, 'The stream failed.');
  }
}

/**
 * The GPU lease a stream's decodes share: taken by the first decode that
 * needs it, reused by the ones that overlap it (a partial and a final never
 * compete for the stream's own slot), and handed back when none is running.
 */
class StreamLease {
  private lease: GpuLease | undefined;
  private acquiring: Promise<GpuLease> | undefined;
  private users = 0;

  constructor(
    private readonly client: GpuLeaseClient | undefined,
    private readonly owner: Owner,
  ) {}

  async use<T>(
    want: { expectedMs: number; deadlineMs: number },
    work: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.users++;
    try {
      const lease = await this.get(want);
      return await work(lease?.signal);
    } finally {
      this.users--;
      if (this.users === 0) await this.drop();
    }
  }

  private async get(want: { expectedMs: number; deadlineMs: number }): Promise<GpuLease | undefined> {
    if (!this.client) return undefined;
    if (this.lease && !this.lease.signal.aborted) return this.lease;
    this.acquiring ??= this.client.acquire({ workload: 'asr', class: 'realtime', ...want, ...leaseOwner(this.owner) });
    try {
      this.lease = await this.acquiring;
      return this.lease;
    } finally {
      this.acquiring = undefined;
    }
  }

  private async drop(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release();
  }
}
