import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** One file of a catalog model, as the catalog records it. */
export interface ModelFileSpec {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * A model file that is missing, truncated, corrupt or not the one the catalog
 * names. The message names the file and the expected checksum, so whoever
 * reads the log knows what to re-fetch (`npm run models:fetch`).
 */
export class ModelFileError extends Error {
  readonly file: string;
  readonly expectedSha256: string;

  constructor(file: string, spec: ModelFileSpec, reason: string) {
    super(
      `Refused model file ${file}: ${reason}; expected sha256 ${spec.sha256} (${spec.size} bytes). ` +
        'Run `npm run models:fetch` to restore it.',
    );
    this.name = 'ModelFileError';
    this.file = file;
    this.expectedSha256 = spec.sha256;
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks size, then sha256, before any runtime is allowed to read the file. */
export async function verifyModelFile(file: string, spec: ModelFileSpec): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new ModelFileError(file, spec, 'the file does not exist');
  if (info.size !== spec.size) throw new ModelFileError(file, spec, `its size is ${info.size} bytes`);
  const actual = await sha256File(file);
  if (actual !== spec.sha256) throw new ModelFileError(file, spec, `its sha256 is ${actual}`);
}
