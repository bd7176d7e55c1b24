/** What the store holds: documents, their chunks and chunk vectors. */
export const DocumentKind = { Document: 'document', Transcript: 'transcript', Email: 'email' } as const;
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind];

export interface DocumentMeta {
  id: string;
  tenant: string;
  kind: DocumentKind;
  /** Where it came from: a URL, a file name, "email", a transcript id. */
  source: string;
  title: string;
  tags: string[];
  contentType: string;
  /** When the service stored it (ISO 8601). */
  createdAt: string;
  /** When the content itself is dated (an email's date, a meeting's start); time filters use it, else createdAt. */
  documentDate: string | undefined;
  /** Length of the extracted text that chunk offsets refer to. */
  textLength: number;
}

export interface Chunk {
  ordinal: number;
  /** Character offsets into the document's extracted text. */
  start: number;
  end: number;
  text: string;
  /** Transcripts only: who speaks in the chunk, and when (seconds from the start). */
  speakers?: string[];
  startSeconds?: number;
  endSeconds?: number;
}

export interface StoredChunk extends Chunk {
  vector: Float32Array;
}

export interface StoredDocument {
  meta: DocumentMeta;
  chunks: StoredChunk[];
}

/** The date time filters compare against. */
export function effectiveDate(meta: DocumentMeta): number {
  return Date.parse(meta.documentDate ?? meta.createdAt);
}
