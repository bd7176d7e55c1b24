import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingEmbedder, realEmbedder, type Rag, startRag } from '../src/testing/harness.js';

interface Hit {
  score: number;
  text: string;
  citation: {
    documentId: string;
    chunk: number;
    start: number;
    end: number;
    speakers?: string[];
    startSeconds?: number;
  };
}

const markdown = `# Travel policy

Employees book flights through the internal travel portal. Economy class is the default for flights under six hours.

## Expenses

Hotel costs are reimbursed up to 180 euros per night. Receipts must be uploaded within thirty days of the trip.`;

const html = `<html><head><title>Parking</title></head><body><h1>Parking garage</h1>
<p>The parking garage opens at six in the morning. Electric cars charge for free on level two.</p></body></html>`;

describe('RAG API (real embedding model)', () => {
  let rag: Rag;
  let counting: CountingEmbedder;
  let policyId: string;

  beforeAll(async () => {
    counting = new CountingEmbedder(await realEmbedder());
    rag = await startRag({ embedder: counting });
    const res = await rag.inject('POST', '/v1/documents', 'acme', {
      contentType: 'text/markdown',
      content: markdown,
      source: 'wiki',
      tags: ['policy', 'travel'],
      documentDate: '2024-03-01T00:00:00Z',
    });
    expect(res.statusCode).toBe(201);
    policyId = res.json<{ id: string }>().id;
    const parking = await rag.inject('POST', '/v1/documents', 'acme', {
      contentType: 'text/html',
      content: html,
      source: 'intranet',
    });
    expect(parking.json()).toMatchObject({ title: 'Parking', kind: 'document' });
  });
  afterAll(() => rag?.close());

  const search = async (tenant: string, body: object) => {
    const res = await rag.inject('POST', '/v1/search', tenant, body);
    expect(res.statusCode).toBe(200);
    return res.json<{ results: Hit[] }>().results;
  };

  it('refuses calls without a service token, and tokens without a tenant', async () => {
    const anonymous = await rag.app.inject({ method: 'POST', url: '/v1/search', payload: { query: 'x' } });
    expect(anonymous.statusCode).toBe(401);
    expect((await rag.inject('POST', '/v1/search', undefined, { query: 'x' })).statusCode).toBe(403);
  });

  it('answers with the right chunk and a citation that points into the text', async () => {
    const [top] = await search('acme', { query: 'How much does the company pay for a hotel night?', topK: 3 });
    expect(top!.citation.documentId).toBe(policyId);
    expect(top!.text).toContain('180 euros');
    const doc = (await rag.inject('GET', `/v1/documents/${policyId}`, 'acme')).json<{ chunks: { text: string }[] }>();
    expect(doc.chunks[top!.citation.chunk]!.text).toBe(top!.text);
  });

  it('filters by source, tags and time, and drops hits under the minimum score', async () => {
    const q = { query: 'When does the parking garage open?', topK: 5 };
    expect(
      (await search('acme', { ...q, filters: { sources: ['wiki'] } })).every((h) => h.citation.documentId === policyId),
    ).toBe(true);
    expect(await search('acme', { ...q, filters: { tags: ['travel', 'missing'] } })).toEqual([]);
    expect(await search('acme', { ...q, filters: { from: '2030-01-01T00:00:00Z' } })).toEqual([]);
    const strict = await search('acme', { ...q, minScore: 0.5 });
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.every((h) => h.score >= 0.5 && h.text.includes('parking'))).toBe(true);
  });

  it("gives one tenant nothing of another's documents, even by id (BOLA)", async () => {
    expect((await rag.inject('GET', `/v1/documents/${policyId}`, 'globex')).statusCode).toBe(404);
    expect(await search('globex', { query: 'hotel costs', filters: { documentIds: [policyId] } })).toEqual([]);
    expect(await search('globex', { query: 'hotel costs' })).toEqual([]);
    expect((await rag.inject('DELETE', `/v1/documents/${policyId}`, 'globex')).statusCode).toBe(404);
    expect((await rag.inject('GET', `/v1/documents/${policyId}`, 'acme')).statusCode).toBe(200);
  });

  it('indexes transcripts with speakers and times in the citations', async () => {
    const res = await rag.inject('POST', '/v1/transcripts', 'acme', {
      source: 'meeting-42',
      title: 'Roadmap sync',
      segments: [
        { speaker: 'Dana', start: 0, end: 6, text: 'Let us review the roadmap for the mobile app.' },
        { speaker: 'Eli', start: 6, end: 14, text: 'The offline mode ships in October, after the security audit.' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const [top] = await search('acme', { query: 'When does offline mode ship?', filters: { kinds: ['transcript'] } });
    expect(top!.citation).toMatchObject({ speakers: ['Dana', 'Eli'], startSeconds: 0 });
  });

  it('reports the progress of a long ingestion', async () => {
    const documents = Array.from({ length: 6 }, (_, i) => ({
      contentType: 'text/plain',
      content: `Batch document ${i} says that the cafeteria serves soup number ${i} on Fridays.`,
      tags: ['batch'],
    }));
    const started = await rag.inject('POST', '/v1/ingestions', 'acme', { documents });
    expect(started.statusCode).toBe(202);
    const { id } = started.json<{ id: string }>();
    await expect
      .poll(async () => (await rag.inject('GET', `/v1/ingestions/${id}`, 'acme')).json<{ status: string }>().status)
      .toBe('succeeded');
    const job = (await rag.inject('GET', `/v1/ingestions/${id}`, 'acme')).json<{ stored: number; total: number }>();
    expect(job).toMatchObject({ stored: 6, total: 6 });
    expect((await rag.inject('GET', `/v1/ingestions/${id}`, 'globex')).statusCode).toBe(404);
  });

  it('deletes a document from the index and the store', async () => {
    const res = await rag.inject('POST', '/v1/documents', 'acme', {
      contentType: 'text/plain',
      content: 'The zebra mascot is called Zed.',
    });
    const { id } = res.json<{ id: string }>();
    expect((await search('acme', { query: 'zebra mascot name' }))[0]!.citation.documentId).toBe(id);
    expect((await rag.inject('DELETE', `/v1/documents/${id}`, 'acme')).statusCode).toBe(204);
    expect((await search('acme', { query: 'zebra mascot name' })).map((h) => h.citation.documentId)).not.toContain(id);
    expect((await rag.inject('GET', `/v1/documents/${id}`, 'acme')).statusCode).toBe(404);
  });

  it('serves OpenAI-compatible embeddings of unit length', async () => {
    const res = await rag.inject('POST', '/v1/embeddings', 'acme', { input: ['hello world', 'second'], model: 'x' });
    const body = res.json<{ object: string; data: { embedding: number[]; index: number }[] }>();
    expect(body.object).toBe('list');
    expect(body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(body.data[0]!.embedding).toHaveLength(384);
    expect(Math.hypot(...body.data[0]!.embedding)).toBeCloseTo(1, 4);
  });

  it('refuses an empty document with a clear 400', async () => {
    const res = await rag.inject('POST', '/v1/documents', 'acme', { contentType: 'text/html', content: '<p> </p>' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { message: 'The document has no text to index.' } });
  });

  it('publishes its OpenAPI document', async () => {
    const spec = (await rag.inject('GET', '/openapi.json', 'acme')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/search', '/v1/documents', '/v1/embeddings']));
  });

  it('reloads after a restart without re-embedding anything', async () => {
    await rag.close();
    const before = counting.texts;
    rag = await startRag({ embedder: counting, dataDir: rag.dataDir, secretsDir: rag.secretsDir });
    expect(counting.texts).toBe(before);
    const [top] = await search('acme', { query: 'hotel reimbursement per night' });
    expect(top!.citation.documentId).toBe(policyId);
    expect(counting.texts).toBe(before + 1); // the query only
  });
});
