import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { KeyRing } from '../crypto/sealed-box.js';
import type { StoredDocument } from '../model.js';
import {
  decodeJson,
  deserializeDocument,
  encodeJson,
  serializeDocument,
  type SnapshotPayload,
  type WalOp,
} from './codec.js';
import { Mutex } from './mutex.js';
import { SnapshotFile } from './snapshot-file.js';
import { WriteAheadLog } from './wal.js';

/** Told about every change, including those replayed at start, so indexes follow the store. */
export interface StoreListener {
  added(doc: StoredDocument): void;
  removed(doc: StoredDocument): void;
}

export interface DocumentStoreOptions {
  dir: string;
  keys: KeyRing;
  logger: Logger;
  /** Compact (snapshot + empty log) once the log grows past this many bytes. */
  compactAfterBytes?: number;
}

/**
 * Documents, chunks and vectors on the data volume, encrypted: a snapshot
 * plus a write-ahead log. A change is acknowledged only after its log record
 * is on disk, so a restart replays it without re-embedding anything.
 */
export class DocumentStore {
  private readonly byTenant = new Map<string, Map<string, StoredDocument>>();
  private readonly listeners: StoreListener[] = [];
  private readonly mutex = new Mutex();
  private readonly snapshot: SnapshotFile;
  private readonly wal: WriteAheadLog;
  private seq = 0;
  /** Data was found under the previous key: re-encrypt in the background. */
  private staleKeyFound = false;

  private constructor(private readonly options: DocumentStoreOptions) {
    this.snapshot = new SnapshotFile(path.join(options.dir, 'snapshot.bin'), options.keys);
    this.wal = new WriteAheadLog(path.join(options.dir, 'wal.log'), options.keys);
  }

  static async open(options: DocumentStoreOptions): Promise<DocumentStore> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const store = new DocumentStore(options);
    await store.load();
    return store;
  }

  /** Registers an index and feeds it what the store already holds. */
  subscribe(listener: StoreListener): void {
    this.listeners.push(listener);
    for (const doc of this.all()) listener.added(doc);
  }

  get(tenant: string, id: string): StoredDocument | undefined {
    return this.byTenant.get(tenant)?.get(id);
  }

  list(tenant: string): StoredDocument[] {
    return [...(this.byTenant.get(tenant)?.values() ?? [])];
  }

  *all(): Iterable<StoredDocument> {
    for (const docs of this.byTenant.values()) yield* docs.values();
  }

  get needsReencryption(): boolean {
    return this.staleKeyFound;
  }

  /** Stores (or replaces) a document; resolves once it is durable. */
  put(doc: StoredDocument): Promise<void> {
    return this.mutex.run(async () => {
      await this.log({ op: 'put', seq: this.seq + 1, doc: serializeDocument(doc) });
      this.applyPut(doc);
      await this.compactIfLarge();
    });
  }

  /** Removes a document; false when the tenant has no such document. */
  delete(tenant: string, id: string): Promise<boolean> {
    return this.mutex.run(async () => {
      if (!this.get(tenant, id)) return false;
      await this.log({ op: 'delete', seq: this.seq + 1, tenant, id });
      this.applyDelete(tenant, id);
      return true;
    });
  }

  /** Writes everything into a fresh snapshot under the primary key and empties the log. */
  compact(): Promise<void> {
    return this.mutex.run(() => this.compactNow());
  }

  async close(): Promise<void> {
    await this.mutex.run(() => this.wal.close());
  }

  private async log(op: WalOp): Promise<void> {
    await this.wal.append(encodeJson(op));
    this.seq = op.seq;
  }

  private async load(): Promise<void> {
    const loaded = await this.snapshot.load();
    if (loaded) {
      const payload = decodeJson<SnapshotPayload>(loaded.payload);
      for (const doc of payload.documents) this.applyPut(deserializeDocument(doc));
      this.seq = payload.seq;
      this.noteKey(loaded.keyId);
    }
    const { records, keyIds, tornBytes } = await this.wal.read();
    for (const op of records.map((r) => decodeJson<WalOp>(r))) this.replay(op);
    keyIds.forEach((id) => this.noteKey(id));
    if (tornBytes > 0) {
      this.options.logger.warn({ file: this.wal.file, tornBytes }, 'Dropped an unacknowledged partial log record');
    }
  }

  /** Records already folded into the snapshot (a crash between snapshot and log reset) are skipped. */
  private replay(op: WalOp): void {
    if (op.seq <= this.seq) return;
    if (op.op === 'put') this.applyPut(deserializeDocument(op.doc));
    else this.applyDelete(op.tenant, op.id);
    this.seq = op.seq;
  }

  private noteKey(keyId: string): void {
    if (keyId !== this.options.keys.primary.id) this.staleKeyFound = true;
  }

  private applyPut(doc: StoredDocument): void {
    this.applyDelete(doc.meta.tenant, doc.meta.id);
    let docs = this.byTenant.get(doc.meta.tenant);
    if (!docs) this.byTenant.set(doc.meta.tenant, (docs = new Map<string, StoredDocument>()));
    docs.set(doc.meta.id, doc);
    for (const l of this.listeners) l.added(doc);
  }

  private applyDelete(tenant: string, id: string): void {
    const doc = this.get(tenant, id);
    if (!doc) return;
    this.byTenant.get(tenant)?.delete(id);
    for (const l of this.listeners) l.removed(doc);
  }

  private async compactIfLarge(): Promise<void> {
    const limit = this.options.compactAfterBytes ?? 64 * 1024 * 1024;
    if ((await this.wal.size()) > limit) await this.compactNow();
  }

  private async compactNow(): Promise<void> {
    const documents = [...this.all()].map(serializeDocument);
    const payload: SnapshotPayload = { version: 1, seq: this.seq, documents };
    await this.snapshot.save(encodeJson(payload));
    await this.wal.reset();
    this.staleKeyFound = false;
    this.options.logger.info({ documents: documents.length, seq: this.seq }, 'Compacted the document store');
  }
}
