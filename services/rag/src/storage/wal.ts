import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { type KeyRing, open as openSealed, seal } from '../crypto/sealed-box.js';

const AAD = 'nemo-rag-wal-v1';
const LENGTH_BYTES = 4;

export interface WalReadResult {
  records: Buffer[];
  /** Key ids the records were written under (for background re-encryption). */
  keyIds: Set<string>;
  /** Bytes of a torn last record that was cut off (a write that was never acknowledged). */
  tornBytes: number;
}

/**
 * An append-only log of encrypted records, each `length(u32 BE) | sealed`.
 * `append` returns only after fdatasync, so an acknowledged record survives
 * a kill -9 or power loss. A process crash can leave only a short last
 * record (a partial write); reading drops it. A complete record that fails
 * authentication is tampering, and reading refuses the file.
 */
export class WriteAheadLog {
  private handle: FileHandle | undefined;

  constructor(
    readonly file: string,
    private readonly keys: KeyRing,
  ) {}

  async read(): Promise<WalReadResult> {
    const data = await readFile(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    const result: WalReadResult = { records: [], keyIds: new Set(), tornBytes: 0 };
    let offset = 0;
    while (offset < data.length) {
      const length = data.length - offset >= LENGTH_BYTES ? data.readUInt32BE(offset) : Infinity;
      if (offset + LENGTH_BYTES + length > data.length) break;
      const sealed = data.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length);
      result.records.push(
        openSealed(this.keys, sealed, AAD, `write-ahead log ${this.file} (record at byte ${offset})`),
      );
      result.keyIds.add(sealed.subarray(0, 8).toString('hex'));
      offset += LENGTH_BYTES + length;
    }
    result.tornBytes = data.length - offset;
    if (result.tornBytes > 0) await truncate(this.file, offset);
    return result;
  }

  async append(record: Buffer): Promise<void> {
    const sealed = seal(this.keys.primary, record, AAD);
    const frame = Buffer.alloc(LENGTH_BYTES + sealed.length);
    frame.writeUInt32BE(sealed.length, 0);
    sealed.copy(frame, LENGTH_BYTES);
    const handle = await this.openForAppend();
    await handle.write(frame);
    await handle.datasync();
  }

  async size(): Promise<number> {
    return (await this.openForAppend()).stat().then((s) => s.size);
  }

  /** Empties the log; called after a snapshot made its records redundant. */
  async reset(): Promise<void> {
    await this.close();
    await truncate(this.file, 0).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async openForAppend(): Promise<FileHandle> {
    this.handle ??= await open(this.file, 'a', 0o600);
    return this.handle;
  }
}
