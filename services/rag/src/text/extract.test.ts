import { describe, expect, it } from 'vitest';
import { pdfFile } from '../testing/pdf.js';
import { extractText } from './extract.js';

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const pdf = (bytes: Uint8Array) =>
  extractText({ contentType: 'application/pdf', contentEncoding: 'base64', content: base64(bytes) });

describe('text extraction', () => {
  it('turns Markdown into sentences, keeping link text and ending headings', async () => {
    const md =
      '# Release notes\n\nVersion **2.1** adds [hybrid search](https://x.y).\n\n- Faster *ingestion*\n- `rag` fixes';
    const { text, title } = await extractText({ content: md, contentType: 'text/markdown' });
    expect(title).toBe('Release notes');
    expect(text).toBe('Release notes.\n\nVersion 2.1 adds hybrid search.\n\nFaster ingestion\n\nrag fixes');
  });

  it('extracts HTML text without scripts or styles, with its title', async () => {
    const html =
      '<html><head><title>Quarterly report</title><style>p{}</style></head><body><h1>Results</h1><p>Revenue rose &amp; costs fell.</p><script>alert(1)</script><p>Next steps follow.</p></body></html>';
    const { text, title } = await extractText({ content: html, contentType: 'text/html' });
    expect(title).toBe('Quarterly report');
    expect(text).toBe('Results.\n\nRevenue rose & costs fell.\n\nNext steps follow.');
  });

  it('folds whitespace in plain text but keeps paragraphs', async () => {
    expect((await extractText({ content: 'a  b\r\n\r\n\r\nc\td', contentType: 'text/plain' })).text).toBe('a b\n\nc d');
  });

  it('reads text sent as base64 as UTF-8', async () => {
    const content = Buffer.from('Café\n\nnaïve', 'utf8').toString('base64');
    expect(await extractText({ content, contentType: 'text/plain', contentEncoding: 'base64' })).toEqual({
      text: 'Café\n\nnaïve',
      title: undefined,
    });
  });

  it('refuses other content types with a 400', async () => {
    await expect(extractText({ content: 'x', contentType: 'image/png' })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/contentType must be one of .*application\/pdf/) as unknown,
    });
  });
});

describe('PDF text extraction', () => {
  it('reads every page of the text layer, in paragraphs, with the title from the metadata', async () => {
    const file = pdfFile({
      title: 'Travel policy (2024)',
      pages: [
        {
          lines: [
            'Employees book flights through the internal',
            'travel portal. Economy class is the default.',
            '',
            'Hotel costs are reimbursed up to 180 euros.',
          ],
        },
        { lines: ['Receipts must be uploaded within thirty days.'] },
      ],
    });
    expect(await pdf(file)).toEqual({
      title: 'Travel policy (2024)',
      text:
        'Employees book flights through the internal travel portal. Economy class is the default.\n\n' +
        'Hotel costs are reimbursed up to 180 euros.\n\n' +
        'Receipts must be uploaded within thirty days.',
    });
  });

  it('reads CJK text through the CMaps that ship with pdf.js', async () => {
    expect((await pdf(pdfFile({ pages: [{ japanese: '日本語のテキスト' }] }))).text).toBe('日本語のテキスト');
  });

  it('has no title when the PDF declares none', async () => {
    expect(await pdf(pdfFile({ pages: [{ lines: ['Just text.'] }] }))).toEqual({
      text: 'Just text.',
      title: undefined,
    });
  });

  it('refuses a PDF without a text layer, saying that OCR is not supported', async () => {
    await expect(pdf(pdfFile({ pages: [{ image: true }, { lines: [] }] }))).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/no text layer.*OCR is not supported/) as unknown,
    });
  });

  it.each([
    ['bytes that are not a PDF', Buffer.from('\x89PNG\r\n\x1a\n not a pdf'), /not a PDF file/],
    ['a damaged PDF', Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(200)), /not a readable PDF/],
    ['a truncated PDF', pdfFile({ pages: [{ lines: ['Cut short.'] }] }).slice(0, 120), /not a readable PDF/],
    ['an encrypted PDF', pdfFile({ pages: [{ lines: ['Secret.'] }], encrypted: true }), /encrypted with a password/],
  ])('refuses %s with a 400 that says what to fix', async (_what, bytes, message) => {
    const err: unknown = await pdf(new Uint8Array(bytes)).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) as unknown });
    expect((err as Error).message).not.toMatch(/Exception|at .*\.m?js/);
  });

  it('requires contentEncoding base64 for a PDF', async () => {
    const content = base64(pdfFile({ pages: [{ lines: ['x'] }] }));
    await expect(extractText({ content, contentType: 'application/pdf' })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/set contentEncoding to "base64"/) as unknown,
    });
  });

  it.each([['%PDF-1.4 raw text'], ['data:application/pdf;base64,JVBERi0='], ['JVBERi0'], ['JVBE$i0x']])(
    'refuses content that is not strict base64: %s',
    async (content) => {
      await expect(
        extractText({ content, contentType: 'application/pdf', contentEncoding: 'base64' }),
      ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/not valid base64/) as unknown });
    },
  );

  it('accepts base64 wrapped over lines', async () => {
    const wrapped = base64(pdfFile({ pages: [{ lines: ['Wrapped.'] }] })).replace(/.{76}/g, '$&\r\n');
    const extracted = await extractText({
      content: wrapped,
      contentType: 'application/pdf',
      contentEncoding: 'base64',
    });
    expect(extracted.text).toBe('Wrapped.');
  });
});
