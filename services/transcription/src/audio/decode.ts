import { badRequest } from '@nemo/common';
import { decodeCompressed, READABLE_AUDIO, sniffCompressed } from '@nemo/inference';
import { decodeWav } from './wav.js';

/** What the upload was, for the job's record and the duration limit. */
export interface AudioInfo {
  /** `wav`, or FFmpeg's names for a compressed file, e.g. `ogg/opus`. */
  readonly format: string;
  readonly durationSeconds: number;
}

export interface DecodedAudio {
  /** 16 kHz mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly info: AudioInfo;
}

export interface UploadDecoding {
  /** The ASR environment's python, whose PyAV decodes compressed files. */
  readonly python: string;
  readonly maxSeconds: number;
}

/**
 * An uploaded file as 16 kHz mono: WAV is read here, in-process; MP3, M4A,
 * OGG, FLAC and WebM go through FFmpeg in a process of their own. Audio over
 * the length limit is refused either way, with the limit in the message.
 */
export async function decodeUpload(bytes: Buffer, options: UploadDecoding): Promise<DecodedAudio> {
  const tooLong = (seconds: number) =>
    badRequest(`The audio is ${Math.round(seconds)} s long; this service takes up to ${options.maxSeconds} s.`);
  if (bytes.toString('latin1', 0, 4) === 'RIFF') {
    const wav = decodeWav(bytes);
    if (wav.info.durationSeconds > options.maxSeconds) throw tooLong(wav.info.durationSeconds);
    return wav;
  }
  const format = sniffCompressed(bytes);
  if (!format) throw badRequest(`The file is not audio this service reads. Send ${READABLE_AUDIO}.`);
  const decoded = await decodeCompressed(bytes, options);
  return {
    samples: decoded.samples,
    info: { format: `${format}/${decoded.codec}`, durationSeconds: decoded.durationSeconds },
  };
}
