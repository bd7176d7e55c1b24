import { randomUUID } from 'node:crypto';
import { badRequest } from '@nemo/common';
import type { Embedder } from '../embedder.js';
import { type Chunk, type DocumentKind, type DocumentMeta, type StoredDocument } from '../model.js';
import type { DocumentStore } from '../storage/document-store.js';
import { chunkText, type ChunkingOptions, DEFAULT_CHUNKING } from '../text/chunker.js';
import { type DocumentContent, extractText } from '../text/extract.js';
import { chunkTranscript, type TranscriptSegment } from '../text/transcript.js';

interface CommonInput {
  /** Reusing an id replaces that document. */
  id?: string;
  title?: string;
  source?: string;
  tags?: string[];
  documentDate?: string;
}

export interface DocumentInput extends CommonInput, DocumentContent {}

export interface TranscriptInput extends CommonInput {
  segments: TranscriptSegment[];
}

export interface Prepared {
  kind: DocumentKind;
  contentType: string;
  text: string;
  chunks: Chunk[];
  title: string | undefined;
}

/** Texts per embedding call: the inference layer batches further across callers. */
const EMBED_BATCH = 32;

/** Turns inputs into chunked, embedded documents and stores them durably. */
export class Ingestor {
  constructor(
    private readonly store: DocumentStore,
    private readonly embedder: Embedder,
    private readonly chunking: ChunkingOptions = DEFAULT_CHUNKING,
  ) {}

  async ingestDocument(tenant: string, input: DocumentInput, kind: DocumentKind = 'document'): Promise<StoredDocument> {
    const { text, title } = await extractText(input);
    const prepared = { kind, contentType: input.contentType, text, title, chunks: chunkText(text, this.chunking) };
    return this.ingest(tenant, input, prepared);
  }

  ingestTranscript(tenant: string, input: TranscriptInput): Promise<StoredDocument> {
    const { text, chunks } = chunkTranscript(input.segments, this.chunking);
    const prepared = { kind: 'transcript' as const, contentType: 'text/plain', text, chunks, title: undefined };
    return this.ingest(tenant, input, prepared);
  }

  private async ingest(tenant: string, input: CommonInput, prepared: Prepared): Promise<StoredDocument> {
    if (prepared.chunks.length === 0) throw badRequest('The document has no text to index.');
    const vectors = await this.embedAll(prepared.chunks.map((c) => c.text));
    const doc: StoredDocument = {
      meta: metaOf(tenant, input, prepared),
      chunks: prepared.chunks.map((chunk, i) => ({ ...chunk, vector: vectors[i]! })),
    };
    await this.store.put(doc);
    return doc;
  }

  private async embedAll(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      out.push(...(await this.embedder.embed(texts.slice(i, i + EMBED_BATCH))));
    }
    return out;
  }
}

function metaOf(tenant: string, input: CommonInput, prepared: Prepared): DocumentMeta {
  return {
    id: input.id ?? randomUUID(),
    tenant,
    kind: prepared.kind,
    source: input.source ?? prepared.kind,
    title: input.title ?? prepared.title ?? firstWords(prepared.text),
    tags: [...new Set(input.tags ?? [])],
    contentType: prepared.contentType,
    createdAt: new Date().toISOString(),
    documentDate: input.documentDate,
    textLength: prepared.text.length,
  };
}

function firstWords(text: string): string {
  const words = text.split(/\s+/).slice(0, 8).join(' ');
  return words.length > 80 ? `${words.slice(0, 77)}...` : words;
}
