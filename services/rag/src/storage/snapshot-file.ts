import { readFile } from 'node:fs/promises';
import { type KeyRing, keyIdOf, open as openSealed, seal } from '../crypto/sealed-box.js';
import { writeFileAtomic } from './atomic-file.js';

const MAGIC = Buffer.from('NEMORAG1', 'ascii');
const AAD = 'nemo-rag-snapshot-v1';

export interface LoadedSnapshot {
  payload: Buffer;
  keyId: string;
}

/** The whole store, encrypted, replaced atomically. */
export class SnapshotFile {
  constructor(
    readonly file: string,
    private readonly keys: KeyRing,
  ) {}

  async load(): Promise<LoadedSnapshot | undefined> {
    let data: Buffer;
    try {
      data = await readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const what = `snapshot file ${this.file}`;
    if (!data.subarray(0, MAGIC.length).equals(MAGIC)) {
      // Any other header is a foreign or damaged file; let open() name it.
      return { payload: openSealed(this.keys, Buffer.alloc(0), AAD, what), keyId: '' };
    }
    const sealed = data.subarray(MAGIC.length);
    return { payload: openSealed(this.keys, sealed, AAD, what), keyId: keyIdOf(sealed) };
  }

  async save(payload: Buffer): Promise<void> {
    await writeFileAtomic(this.file, Buffer.concat([MAGIC, seal(this.keys.primary, payload, AAD)]));
  }
}
