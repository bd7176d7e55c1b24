import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfFile } from '../src/testing/pdf.js';
import { realEmbedder, type Rag, startRag } from '../src/testing/harness.js';

interface Hit {
  text: string;
  citation: { documentId: string; chunk: number; start: number; end: number };
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const handbook = pdfFile({
  title: 'Employee handbook',
  pages: [
    {
      lines: [
        'New employees receive a laptop and a badge on their',
        'first day. The badge opens the office from seven in the',
        'morning until ten in the evening.',
        '',
        'The office kitchen is cleaned every Tuesday.',
      ],
    },
    {
      lines: [
        'Parental leave lasts sixteen weeks at full pay, and it',
        'can be split into two parts within the first two years.',
      ],
    },
  ],
});

describe('PDF ingestion over HTTP (real embedding model)', () => {
  let rag: Rag;

  beforeAll(async () => {
    rag = await startRag({ embedder: await realEmbedder() });
  });
  afterAll(() => rag?.close());

  const postPdf = (body: object) =>
    rag.inject('POST', '/v1/documents', 'acme', { contentType: 'application/pdf', source: 'hr', ...body });

  it('indexes the text layer of a base64 PDF, titled from its metadata, and finds it with citations', async () => {
    const res = await postPdf({ content: base64(handbook), contentEncoding: 'base64', tags: ['hr'] });
    expect(res.statusCode).toBe(201);
    const doc = res.json<{ id: string; title: string; contentType: string }>();
    expect(doc).toMatchObject({ title: 'Employee handbook', contentType: 'application/pdf' });

    const search = await rag.inject('POST', '/v1/search', 'acme', { query: 'How long is parental leave?', topK: 3 });
    const [top] = search.json<{ results: Hit[] }>().results;
    expect(top!.citation.documentId).toBe(doc.id);
    expect(top!.text).toContain('Parental leave lasts sixteen weeks at full pay, and it can be split');

    const stored = (await rag.inject('GET', `/v1/documents/${doc.id}`, 'acme')).json<{
      chunks: { text: string; start: number; end: number }[];
    }>();
    expect(stored.chunks[top!.citation.chunk]!.text).toBe(top!.text);
    expect(stored.chunks.map((c) => c.text).join(' ')).toContain(
      'The badge opens the office from seven in the morning',
    );
  });

  it('ingests PDFs in long ingestions too, and reports a bad one per item', async () => {
    const documents = [
      { contentType: 'application/pdf', contentEncoding: 'base64', content: base64(handbook), id: 'handbook-2' },
      { contentType: 'application/pdf', content: base64(handbook) },
    ];
    const started = await rag.inject('POST', '/v1/ingestions', 'acme', { documents });
    expect(started.statusCode).toBe(202);
    const { id } = started.json<{ id: string }>();
    await expect
      .poll(async () => (await rag.inject('GET', `/v1/ingestions/${id}`, 'acme')).json<{ status: string }>().status)
      .toBe('succeeded');
    const job = (await rag.inject('GET', `/v1/ingestions/${id}`, 'acme')).json<{ items: object[] }>();
    expect(job.items).toEqual([
      { documentId: 'handbook-2', status: 'stored' },
      {
        documentId: undefined,
        status: 'failed',
        error: expect.stringMatching(/contentEncoding to "base64"/) as unknown,
      },
    ]);
  });

  it.each([
    ['without contentEncoding', { content: base64(handbook) }, /set contentEncoding to "base64"/],
    ['with an unknown contentEncoding', { content: base64(handbook), contentEncoding: 'hex' }, /contentEncoding/],
    ['with content that is not base64', { content: '%PDF-1.7 raw', contentEncoding: 'base64' }, /not valid base64/],
    [
      'with bytes that are not a PDF',
      { content: base64(Buffer.from('<html>hello</html>')), contentEncoding: 'base64' },
      /not a PDF file/,
    ],
    [
      'with a damaged PDF',
      { content: base64(handbook.slice(0, 120)), contentEncoding: 'base64' },
      /not a readable PDF/,
    ],
    [
      'with no text layer',
      { content: base64(pdfFile({ pages: [{ image: true }] })), contentEncoding: 'base64' },
      /no text layer.*OCR is not supported/,
    ],
  ])('answers a PDF %s with a clear 400', async (_what, body, message) => {
    const res = await postPdf(body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json<{ error: { code: string; message: string } }>();
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/Exception|\.m?js:\d+|\n\s+at /);
  });

  it('refuses a body over the size limit with a 413', async () => {
    const content = 'A'.repeat(33 * 1024 * 1024);
    const res = await postPdf({ content, contentEncoding: 'base64' });
    expect(res.statusCode).toBe(413);
  });

  it('documents PDF and contentEncoding in its OpenAPI schema', async () => {
    const spec = (await rag.inject('GET', '/openapi.json', 'acme')).json<{
      paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    }>();
    const schema = JSON.stringify(spec.paths['/v1/documents']!.post!.requestBody.content['application/json']!.schema);
    expect(schema).toContain('application/pdf');
    expect(schema).toContain('contentEncoding');
  });
});
