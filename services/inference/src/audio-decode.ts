import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badRequest, ConcurrencyLimiter, ErrorCode, NemoError } from '@nemo/common';

const DECODE_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'python', 'decode_audio.py');

/**
 * Decoder processes at once in this process, and uploads that may wait for
 * one: each can take 2 GiB and a core, so a burst of uploads queues, and
 * beyond the queue is refused with 503, instead of starting a process apiece.
 */
const decoders = new ConcurrencyLimiter(2, 16, 'audio decodes');

/** Compressed formats told apart by their first bytes; WAV is read in-process elsewhere. */
export const CompressedFormat = {
  Mp3: 'mp3',
  Ogg: 'ogg',
  Flac: 'flac',
  Mp4: 'mp4',
  Webm: 'webm',
} as const;
export type CompressedFormat = (typeof CompressedFormat)[keyof typeof CompressedFormat];

/** The formats named in errors, so a client knows what to send instead. */
export const READABLE_AUDIO = 'WAV, MP3, M4A/AAC, OGG (Opus or Vorbis), FLAC or WebM';

/** The compressed container a file starts like, if any. */
export function sniffCompressed(bytes: Buffer): CompressedFormat | undefined {
  const head = (start: number, text: string) => bytes.toString('latin1', start, start + text.length) === text;
  if (head(0, 'ID3') || (bytes.length > 1 && bytes[0] === 0xff && ((bytes[1] as number) & 0xe0) === 0xe0)) {
    return CompressedFormat.Mp3;
  }
  if (head(0, 'OggS')) return CompressedFormat.Ogg;
  if (head(0, 'fLaC')) return CompressedFormat.Flac;
  if (head(4, 'ftyp')) return CompressedFormat.Mp4;
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return CompressedFormat.Webm;
  return undefined;
}

export interface DecodeOptions {
  /** The ASR environment's python, which has PyAV (see asrPython). */
  readonly python: string;
  /** Longer audio is refused without decoding the rest. */
  readonly maxSeconds: number;
  readonly timeoutMs?: number;
}

export interface DecodedCompressed {
  /** 16 kHz mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly durationSeconds: number;
  /** FFmpeg's names, e.g. container "ogg" and codec "opus". */
  readonly container: string;
  readonly codec: string;
}

interface ScriptAnswer {
  seconds?: number;
  container?: string;
  codec?: string;
  error?: string;
  /** Exit 3: the decoder stopped at the length limit. */
  tooLong?: boolean;
}

/**
 * Decodes a compressed audio file to 16 kHz mono with FFmpeg (PyAV), in a
 * short-lived process of its own (python/decode_audio.py): the file is
 * untrusted, and a decoder crash must not take the ASR worker with it.
 * Unreadable or over-long audio is a 400 that says what to send.
 */
export async function decodeCompressed(bytes: Buffer, options: DecodeOptions): Promise<DecodedCompressed> {
  const release = await decoders.acquire();
  const dir = await mkdtemp(join(tmpdir(), 'nemo-decode-'));
  try {
    const [input, output] = [join(dir, 'in'), join(dir, 'out.pcm')];
    await writeFile(input, bytes);
    const answer = await runScript(options, input, output);
    if (answer.tooLong) throw badRequest(`The audio is longer than this service takes (${options.maxSeconds} s).`);
    if (answer.error) throw badRequest(`The audio could not be read: ${answer.error}. Send ${READABLE_AUDIO}.`);
    const pcm = await readFile(output);
    const samples = new Float32Array(pcm.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2) / 32768;
    return {
      samples,
      durationSeconds: answer.seconds ?? samples.length / 16000,
      container: answer.container ?? 'unknown',
      codec: answer.codec ?? 'unknown',
    };
  } finally {
    release();
    await rm(dir, { recursive: true, force: true });
  }
}

function runScript(options: DecodeOptions, input: string, output: string): Promise<ScriptAnswer> {
  const args = [DECODE_SCRIPT, input, output, String(options.maxSeconds)];
  // One BLAS thread: numpy's pool would otherwise reserve address space under the script's cap.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  return new Promise((resolvePromise, reject) => {
    execFile(options.python, args, { env, timeout: options.timeoutMs ?? 60_000 }, (err, stdout) => {
      const answer = parseAnswer(stdout);
      const failure = err ? scriptFailure(err, answer) : answer ? undefined : noResult();
      if (failure) reject(failure);
      else resolvePromise({ ...answer, tooLong: err?.code === 3 });
    });
  });
}

type ExecError = Error & { code?: number | string | null; killed?: boolean; signal?: NodeJS.Signals | null };

/** Undefined when the script refused the file itself (exit 2 or 3): its message is then for the client. */
function scriptFailure(err: ExecError, answer: ScriptAnswer | undefined): NemoError | undefined {
  if (answer?.error && (err.code === 2 || err.code === 3)) return undefined;
  // Killed at the timeout, or by the script's own CPU cap.
  if (err.killed || err.signal === 'SIGXCPU') {
    return badRequest(`The audio took too long to decode. Send ${READABLE_AUDIO} of ordinary length.`);
  }
  return new NemoError(ErrorCode.Internal, 'The audio decoder failed on this file.', { cause: err });
}

const noResult = () =>
  new NemoError(ErrorCode.Internal, 'The audio decoder failed on this file.', {
    cause: new Error('decoder printed no result'),
  });

function parseAnswer(stdout: string): ScriptAnswer | undefined {
  try {
    const parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
