import { VectorIndex, type VectorIndexOptions } from '../index/vector-index.js';
import {
  type DocumentKind,
  type DocumentMeta,
  effectiveDate,
  type StoredChunk,
  type StoredDocument,
} from '../model.js';
import type { StoreListener } from '../storage/document-store.js';

export interface SearchFilters {
  sources?: string[];
  /** A document must carry every one of these tags. */
  tags?: string[];
  kinds?: DocumentKind[];
  documentIds?: string[];
  /** ISO 8601 bounds on the document's date (inclusive). */
  from?: string;
  to?: string;
}

export interface SearchRequest {
  tenant: string;
  query: string;
  vector: Float32Array;
  topK: number;
  /** Hits below this cosine similarity are dropped. */
  minScore?: number;
  filters?: SearchFilters;
}

export interface SearchHit {
  /** Cosine similarity between the query and the chunk. */
  score: number;
  document: StoredDocument;
  chunk: StoredChunk;
}

interface Entry {
  doc: StoredDocument;
  chunk: StoredChunk;
}

/**
 * One FAISS index per tenant, kept in step with the store: a query can only
 * ever reach its own tenant's chunks, whatever filters it sends.
 * (Hybrid keyword + vector search with RRF was measured on the QA set and
 * did not help; see docs/adr/0008-rag-storage-and-retrieval.md.)
 */
export class SearchEngine implements StoreListener {
  private readonly tenants = new Map<string, VectorIndex<string>>();
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly indexOptions: VectorIndexOptions) {}

  get dimension(): number {
    return this.indexOptions.dimension;
  }

  added(doc: StoredDocument): void {
    const items = doc.chunks.map((chunk) => ({ key: chunkKey(doc, chunk), vector: chunk.vector }));
    items.forEach((item, i) => this.entries.set(item.key, { doc, chunk: doc.chunks[i]! }));
    this.indexOf(doc.meta.tenant).add(items);
  }

  removed(doc: StoredDocument): void {
    const keys = doc.chunks.map((chunk) => chunkKey(doc, chunk));
    this.tenants.get(doc.meta.tenant)?.remove(keys);
    for (const key of keys) this.entries.delete(key);
  }

  search(request: SearchRequest): SearchHit[] {
    const index = this.tenants.get(request.tenant);
    if (!index) return [];
    return index
      .search(request.vector, request.topK, this.filterOf(request.filters))
      .filter((hit) => hit.score >= (request.minScore ?? -1))
      .map(({ key, score }) => ({ score, ...this.entries.get(key)! }))
      .map(({ score, doc, chunk }) => ({ score, document: doc, chunk }));
  }

  private filterOf(filters: SearchFilters = {}): (key: string) => boolean {
    const accepts = compileFilters(filters);
    return (key) => {
      const meta = this.entries.get(key)?.doc.meta;
      return meta !== undefined && accepts(meta);
    };
  }

  private indexOf(tenant: string): VectorIndex<string> {
    let index = this.tenants.get(tenant);
    if (!index) this.tenants.set(tenant, (index = new VectorIndex(this.indexOptions)));
    return index;
  }
}

const setOf = <T>(values: readonly T[] | undefined): Set<T> | undefined =>
  values?.length ? new Set(values) : undefined;

/** One predicate per filter that is set; a document must pass them all. */
function compileFilters(filters: SearchFilters): (meta: DocumentMeta) => boolean {
  const checks: ((meta: DocumentMeta) => boolean)[] = [];
  const from = filters.from ? Date.parse(filters.from) : -Infinity;
  const to = filters.to ? Date.parse(filters.to) : Infinity;
  checks.push((meta) => effectiveDate(meta) >= from && effectiveDate(meta) <= to);
  const sources = setOf(filters.sources);
  if (sources) checks.push((meta) => sources.has(meta.source));
  const kinds = setOf<string>(filters.kinds);
  if (kinds) checks.push((meta) => kinds.has(meta.kind));
  const ids = setOf(filters.documentIds);
  if (ids) checks.push((meta) => ids.has(meta.id));
  const tags = filters.tags ?? [];
  checks.push((meta) => tags.every((t) => meta.tags.includes(t)));
  return (meta) => checks.every((check) => check(meta));
}

function chunkKey(doc: StoredDocument, chunk: StoredChunk): string {
  return `${doc.meta.tenant}\u0000${doc.meta.id}\u0000${chunk.ordinal}`;
}
