import type { StoredChunk, StoredDocument } from '../model.js';
import type { SearchHit } from '../search/search-engine.js';

/** What clients see of the store: never vectors. */
export function documentView(doc: StoredDocument) {
  return { ...doc.meta, chunkCount: doc.chunks.length };
}

export function chunkView(chunk: StoredChunk) {
  const { vector: _vector, ...rest } = chunk;
  return rest;
}

export function hitView(hit: SearchHit) {
  const { document, chunk } = hit;
  return {
    score: hit.score,
    text: chunk.text,
    citation: {
      documentId: document.meta.id,
      title: document.meta.title,
      source: document.meta.source,
      kind: document.meta.kind,
      chunk: chunk.ordinal,
      start: chunk.start,
      end: chunk.end,
      ...(chunk.speakers ? { speakers: chunk.speakers } : {}),
      ...(chunk.startSeconds !== undefined ? { startSeconds: chunk.startSeconds, endSeconds: chunk.endSeconds } : {}),
    },
    document: {
      tags: document.meta.tags,
      documentDate: document.meta.documentDate,
      createdAt: document.meta.createdAt,
    },
  };
}
