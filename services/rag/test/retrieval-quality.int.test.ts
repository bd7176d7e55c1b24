import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QA_DOCUMENTS, QA_QUESTIONS } from './fixtures/qa-set.js';
import { realEmbedder, type Rag, startRag } from '../src/testing/harness.js';

/**
 * Recall@5 on the QA set, with the real embedding model: flat search must
 * reach 0.9; HNSW is measured on the same questions and printed beside it.
 */
describe('retrieval quality on the QA set', () => {
  const services: Record<'flat' | 'hnsw', Rag | undefined> = { flat: undefined, hnsw: undefined };

  beforeAll(async () => {
    const embedder = await realEmbedder();
    for (const type of ['flat', 'hnsw'] as const) {
      const rag = await startRag({ embedder, env: { NEMO_INDEX_TYPE: type } });
      for (const doc of QA_DOCUMENTS) {
        const res = await rag.inject('POST', '/v1/documents', 'qa', {
          ...doc,
          contentType: 'text/plain',
          source: 'handbook',
        });
        expect(res.statusCode).toBe(201);
      }
      services[type] = rag;
    }
  }, 120_000);
  afterAll(async () => {
    await services.flat?.close();
    await services.hnsw?.close();
  });

  async function topDocuments(rag: Rag, question: string): Promise<string[]> {
    const res = await rag.inject('POST', '/v1/search', 'qa', { query: question, topK: 5 });
    return res.json<{ results: { citation: { documentId: string } }[] }>().results.map((r) => r.citation.documentId);
  }

  async function measure(rag: Rag) {
    let hits = 0;
    let reciprocalRanks = 0;
    const misses: string[] = [];
    for (const { question, answer } of QA_QUESTIONS) {
      const rank = (await topDocuments(rag, question)).indexOf(answer);
      if (rank >= 0) {
        hits++;
        reciprocalRanks += 1 / (rank + 1);
      } else misses.push(question);
    }
    return { recall: hits / QA_QUESTIONS.length, mrr: reciprocalRanks / QA_QUESTIONS.length, misses };
  }

  it('reaches recall@5 >= 0.9 with flat search, and reports HNSW beside it', async () => {
    expect(QA_QUESTIONS.length).toBeGreaterThanOrEqual(30);
    const flat = await measure(services.flat!);
    const hnsw = await measure(services.hnsw!);
    const line = (name: string, m: typeof flat) =>
      `${name.padEnd(14)} recall@5 ${m.recall.toFixed(3)}  MRR ${m.mrr.toFixed(3)}  misses: ${m.misses.join(' | ') || 'none'}`;
    console.log(
      [
        `QA set: ${QA_QUESTIONS.length} questions over ${QA_DOCUMENTS.length} documents`,
        line('flat', flat),
        line('hnsw', hnsw),
        `HNSW recall relative to flat: ${(hnsw.recall / flat.recall).toFixed(3)}`,
      ].join('\n'),
    );
    expect(flat.recall).toBeGreaterThanOrEqual(0.9);
    expect(hnsw.recall).toBeGreaterThanOrEqual(flat.recall - 0.05);
  });
});
