import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { badRequest, ErrorCode, NemoError, type Logger } from '@nemo/common';
import { WorkerProcess, type ReadyMessage, type WorkerCommand, type WorkerMessage } from './asr-process.js';
import { queueFullError } from './batcher.js';
import { ModelTask, resolveModel, type ResolveOptions } from './catalog.js';

export const DEFAULT_ASR_MODEL = 'whisper-tiny-en-ct2';
export const ASR_SAMPLE_RATE = 16000;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_SCRIPT = join(packageRoot, 'python', 'asr_worker.py');
const ASR_ENV_SCRIPT = resolve(packageRoot, '../../hack/asr-env.sh');

export interface AsrWord {
  readonly start: number;
  readonly end: number;
  readonly word: string;
  readonly probability: number;
}

/** One decoded segment; times in seconds from the start of the audio sent. */
export interface AsrSegment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Mean token log-probability: Whisper's confidence. */
  readonly avgLogprob: number;
  readonly noSpeechProb: number;
  readonly words: readonly AsrWord[];
}

export interface AsrResult {
  readonly segments: readonly AsrSegment[];
  readonly language: string;
  readonly durationSeconds: number;
  /** Time the worker spent on the request. */
  readonly decodeMs: number;
}

export interface TranscribeOptions {
  /** A language code; the default model is English-only. */
  readonly language?: string;
  readonly wordTimestamps?: boolean;
  readonly beamSize?: number;
  /** Text that came before this audio (a stream's earlier finals): Whisper conditions on it. */
  readonly prompt?: string;
  /** Seeds the sampling fallback (Whisper samples when beam output looks wrong); default 0, so results repeat. */
  readonly seed?: number;
  /** Aborting drops a queued request, or stops a running one at its next segment. */
  readonly signal?: AbortSignal;
  readonly onSegment?: (segment: AsrSegment) => void;
  readonly onProgress?: (processedSeconds: number, totalSeconds: number) => void;
}

export interface AsrOptions extends ResolveOptions {
  /** `cuda` decodes on the GPU (NEMO_INFERENCE_PROVIDER=cuda); CTranslate2 then needs CUDA 12 cuBLAS and cuDNN 9. */
  readonly device?: 'cpu' | 'cuda';
  /** CTranslate2 compute type; int8 on CPU and float16 on CUDA by default. */
  readonly computeType?: string;
  readonly threads?: number;
  /** Requests waiting behind the running one; more are refused at once (503). */
  readonly maxQueue?: number;
  /** The runtime's python (NEMO_ASR_PYTHON); found with hack/asr-env.sh when absent. */
  readonly python?: string;
  /** Longest the worker may take to load and warm up. */
  readonly startTimeoutMs?: number;
  /** Audio up to this size goes inline; larger audio through a temp file. */
  readonly inlineBytes?: number;
  readonly logger?: Logger;
}

interface Job {
  readonly id: string;
  readonly pcm: Int16Array;
  readonly options: TranscribeOptions;
  readonly segments: AsrSegment[];
  readonly resolve: (result: AsrResult) => void;
  readonly reject: (err: unknown) => void;
  file?: string;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

const execFileP = promisify(execFile);

/** The ASR runtime's python: NEMO_ASR_PYTHON, else the one hack/asr-env.sh builds or finds (cached). */
export async function asrPython(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.NEMO_ASR_PYTHON) return env.NEMO_ASR_PYTHON;
  if (!existsSync(ASR_ENV_SCRIPT)) {
    throw new Error('No ASR runtime: set NEMO_ASR_PYTHON to a python that has faster-whisper (hack/asr-env.sh)');
  }
  const { stdout } = await execFileP('bash', [ASR_ENV_SCRIPT], { env, maxBuffer: 16 * 1024 * 1024 });
  const python = stdout.trim().split('\n').at(-1);
  if (!python) throw new Error(`${ASR_ENV_SCRIPT} printed no python`);
  return python;
}

/** Float samples in [-1, 1] as 16-bit PCM, the worker's input. */
export function toPcm16(audio: Float32Array | Int16Array): Int16Array {
  if (audio instanceof Int16Array) return audio;
  // A plain loop: Int16Array.from with a map callback took 40-55 ms for 23 s of audio, 5% of its transcription.
  const pcm = new Int16Array(audio.length);
  for (let i = 0; i < audio.length; i++)
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round((audio[i] as number) * 32768)));
  return pcm;
}

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

/**
 * Speech recognition on a Whisper model in CTranslate2 format, run by a
 * supervised Python worker (faster-whisper). The model files are verified
 * against the catalog before the worker may load them; the worker is warmed
 * up before the first request. Requests run one at a time in order; up to
 * `maxQueue` wait, the rest are refused. A crashed or hung worker fails only
 * the request it was running and is restarted with backoff.
 */
export class SpeechRecognizer {
  private worker: WorkerProcess | undefined;
  private ready: ReadyMessage | undefined;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private closing = false;
  private restartDelay = RESTART_MIN_MS;
  private restartCount = 0;
  private tmp: string | undefined;

  private constructor(
    readonly name: string,
    private readonly command: WorkerCommand,
    private readonly options: AsrOptions,
  ) {}

  static async start(name = DEFAULT_ASR_MODEL, options: AsrOptions = {}): Promise<SpeechRecognizer> {
    const resolved = await resolveModel(name, options);
    if (resolved.model.task !== ModelTask.Asr) throw new Error(`Model ${name} is not an ASR model`);
    const device = options.device ?? (process.env.NEMO_INFERENCE_PROVIDER === 'cuda' ? 'cuda' : 'cpu');
    const args = [
      ...['--model-dir', resolved.dir, '--model-name', name, '--device', device],
      ...['--threads', String(options.threads ?? Math.min(availableParallelism(), 4))],
      ...(options.computeType ? ['--compute-type', options.computeType] : []),
    ];
    const python = options.python ?? (await asrPython());
    const recognizer = new SpeechRecognizer(name, { python, script: WORKER_SCRIPT, args }, options);
    await recognizer.spawn(options.startTimeoutMs ?? 120_000);
    return recognizer;
  }

  /** The runtime's python; decodeCompressed uses it for PyAV. */
  get python(): string {
    return this.command.python;
  }

  /** What the worker reported when it became ready (device, compute type, load time). */
  get info(): ReadyMessage | undefined {
    return this.ready;
  }

  /** Requests waiting, not counting the one running. */
  get pending(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get restarts(): number {
    return this.restartCount;
  }

  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  /** Transcribes 16 kHz mono audio (floats in [-1, 1] or 16-bit PCM). */
  transcribe(audio: Float32Array | Int16Array, options: TranscribeOptions = {}): Promise<AsrResult> {
    if (this.closing) return Promise.reject(new NemoError(ErrorCode.Unavailable, 'The ASR model is shutting down.'));
    options.signal?.throwIfAborted();
    const maxQueue = this.options.maxQueue ?? 16;
    if (this.queue.length >= maxQueue) return Promise.reject(queueFullError('transcription', maxQueue));
    return new Promise<AsrResult>((resolve, reject) => {
      const job: Job = { id: randomUUID(), pcm: toPcm16(audio), options, segments: [], resolve, reject };
      this.watchAbort(job);
      this.queue.push(job);
      this.next();
    });
  }

  async close(graceMs = 5_000): Promise<void> {
    this.closing = true;
    const gone = new NemoError(ErrorCode.Unavailable, 'The ASR model was shut down.');
    for (const job of this.queue.splice(0)) this.settle(job, gone);
    await this.worker?.stop(graceMs);
    if (this.running) this.settle(this.running, gone);
    if (this.tmp) await rm(this.tmp, { recursive: true, force: true });
  }

  private spawn(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`The ASR worker did not become ready within ${timeoutMs} ms`));
        worker.kill();
      }, timeoutMs);
      const worker = new WorkerProcess(
        this.command,
        {
          message: (msg) => this.onMessage(msg, { resolve, reject, timer }),
          exit: (code, signal) => {
            clearTimeout(timer);
            reject(
              new Error(`The ASR worker exited before it was ready (${signal ?? `code ${code}`}): ${tailOf(worker)}`),
            );
            this.onExit(worker, code, signal);
          },
        },
        this.options.logger,
      );
      this.worker = worker;
    });
  }

  private onMessage(
    msg: WorkerMessage,
    start: { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout },
  ): void {
    if (msg.type === 'ready') {
      clearTimeout(start.timer);
      this.ready = msg;
      this.restartDelay = RESTART_MIN_MS;
      this.options.logger?.info({ model: this.name, device: msg.device, loadMs: msg.loadMs }, 'Started ASR worker');
      start.resolve();
      this.next();
    } else if (msg.type === 'fatal') {
      start.reject(new Error(`The ASR worker could not load ${this.name}: ${msg.message}`));
    } else {
      this.onAnswer(msg);
    }
  }

  private onAnswer(msg: Exclude<WorkerMessage, { type: 'ready' | 'fatal' }>): void {
    const job = this.running;
    if (!job || msg.id !== job.id) return;
    if (msg.type === 'segment') {
      const segment = msg.segment as AsrSegment;
      job.segments.push(segment);
      job.options.onSegment?.(segment);
    } else if (msg.type === 'progress') {
      job.options.onProgress?.(msg.processedSeconds, msg.totalSeconds);
    } else if (msg.type === 'done') {
      const { language, durationSeconds, decodeMs } = msg;
      this.finish(
        job,
        msg.cancelled ? abortReason(job) : { segments: job.segments, language, durationSeconds, decodeMs },
      );
    } else {
      this.finish(
        job,
        msg.code === 'bad_request'
          ? badRequest(`The audio could not be transcribed: ${msg.message}.`)
          : internal(msg.message),
      );
    }
  }

  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    if (this.closing) return;
    this.options.logger?.error({ code, signal, stderr: worker.tail }, 'ASR worker exited; restarting it');
    if (this.running) {
      this.finish(
        this.running,
        new NemoError(ErrorCode.Unavailable, 'The speech recognizer stopped while decoding this audio; retry.', {
          retryAfterSeconds: 1,
          cause: new Error(`ASR worker exited (${signal ?? `code ${code}`}): ${tailOf(worker)}`),
        }),
      );
    }
    const delay = this.restartDelay;
    this.restartDelay = Math.min(RESTART_MAX_MS, delay * 2);
    setTimeout(() => void this.restart(), delay).unref();
  }

  private async restart(): Promise<void> {
    if (this.closing) return;
    this.restartCount++;
    try {
      await this.spawn(this.options.startTimeoutMs ?? 120_000);
    } catch (err) {
      this.options.logger?.error({ err }, 'ASR worker restart failed');
    }
  }

  private next(): void {
    if (this.running || !this.ready || !this.worker) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    void this.dispatch(job, this.worker);
  }

  private async dispatch(job: Job, worker: WorkerProcess): Promise<void> {
    const { options } = job;
    const request: Record<string, unknown> = {
      id: job.id,
      op: 'transcribe',
      language: options.language,
      wordTimestamps: options.wordTimestamps ?? false,
      beamSize: options.beamSize ?? 5,
      seed: options.seed ?? 0,
      ...(options.prompt ? { prompt: options.prompt } : {}),
    };
    try {
      Object.assign(request, await this.audioField(job));
    } catch (err) {
      this.finish(job, err);
      return;
    }
    // A hung worker is killed: generous for a CPU, bounded all the same.
    const seconds = job.pcm.length / ASR_SAMPLE_RATE;
    job.timer = setTimeout(() => worker.kill(), 60_000 + seconds * 10_000);
    worker.send(request);
  }

  private async audioField(job: Job): Promise<{ pcm16: string } | { path: string }> {
    const bytes = Buffer.from(job.pcm.buffer, job.pcm.byteOffset, job.pcm.byteLength);
    if (bytes.length <= (this.options.inlineBytes ?? 1024 * 1024)) return { pcm16: bytes.toString('base64') };
    this.tmp ??= await mkdtemp(join(tmpdir(), 'nemo-asr-'));
    job.file = join(this.tmp, `${job.id}.pcm`);
    await writeFile(job.file, bytes, { mode: 0o600 });
    return { path: job.file };
  }

  private watchAbort(job: Job): void {
    const { signal } = job.options;
    if (!signal) return;
    job.onAbort = () => {
      const at = this.queue.indexOf(job);
      if (at >= 0) {
        this.queue.splice(at, 1);
        this.settle(job, abortReason(job));
      } else if (this.running === job) {
        this.worker?.send({ op: 'cancel', target: job.id });
      }
    };
    signal.addEventListener('abort', job.onAbort, { once: true });
  }

  private finish(job: Job, outcome: unknown): void {
    if (this.running === job) this.running = undefined;
    this.settle(job, outcome);
    this.next();
  }

  private settle(job: Job, outcome: unknown): void {
    clearTimeout(job.timer);
    if (job.onAbort) job.options.signal?.removeEventListener('abort', job.onAbort);
    if (job.file) void rm(job.file, { force: true });
    if (isResult(outcome)) job.resolve(outcome);
    else job.reject(outcome);
  }
}

function isResult(value: unknown): value is AsrResult {
  return typeof value === 'object' && value !== null && 'segments' in value && 'decodeMs' in value;
}

function abortReason(job: Job): unknown {
  return job.options.signal?.reason ?? new DOMException('The transcription was aborted.', 'AbortError');
}

function internal(what: string): NemoError {
  return new NemoError(ErrorCode.Internal, 'The speech recognizer failed on this audio.', {
    cause: new Error(`ASR worker error: ${what}`),
  });
}

function tailOf(worker: WorkerProcess): string {
  return worker.tail.slice(-5).join(' | ') || '(no stderr)';
}
