import type { StoredChunk, StoredDocument } from '../model.js';

/** JSON forms of the store's records: vectors travel as base64 of their float32 bytes. */
export type SerializedChunk = Omit<StoredChunk, 'vector'> & { vector: string };
export interface SerializedDocument {
  meta: StoredDocument['meta'];
  chunks: SerializedChunk[];
}

export type WalOp =
  { op: 'put'; seq: number; doc: SerializedDocument } | { op: 'delete'; seq: number; tenant: string; id: string };

export interface SnapshotPayload {
  version: 1;
  seq: number;
  documents: SerializedDocument[];
}

export function serializeDocument(doc: StoredDocument): SerializedDocument {
  return {
    meta: doc.meta,
    chunks: doc.chunks.map((c) => ({
      ...c,
      vector: Buffer.from(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength).toString('base64'),
    })),
  };
}

export function deserializeDocument(doc: SerializedDocument): StoredDocument {
  return {
    meta: doc.meta,
    chunks: doc.chunks.map((c) => ({ ...c, vector: vectorFromBase64(c.vector) })),
  };
}

function vectorFromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copy into a fresh, aligned buffer: Buffer slices may start at any byte offset.
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
export const decodeJson = <T>(bytes: Buffer): T => JSON.parse(bytes.toString('utf8')) as T;
