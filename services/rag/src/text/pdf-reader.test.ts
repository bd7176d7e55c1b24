import { describe, expect, it } from 'vitest';
import { pdfFile } from '../testing/pdf.js';
import { DEFAULT_PDF_LIMITS, readPdf } from './pdf-reader.js';

const limits = (overrides: Partial<typeof DEFAULT_PDF_LIMITS>) => ({ ...DEFAULT_PDF_LIMITS, ...overrides });
/** A page whose content stream inflates to 20 MB of text operators: 40 kB on the wire. */
const inflating = pdfFile({ pages: [{ deflated: `BT /F1 12 Tf 72 720 Td ${'(abc) Tj '.repeat(2_300_000)} ET` }] });

describe('readPdf limits', () => {
  it('reads pages one by one', async () => {
    const file = pdfFile({ pages: [{ lines: ['One.'] }, { lines: ['Two.'] }] });
    expect(await readPdf(file)).toEqual({ pages: ['One.', 'Two.'], title: undefined });
  });

  it('refuses more pages than allowed', async () => {
    const file = pdfFile({ pages: [{ lines: ['a'] }, { lines: ['b'] }, { lines: ['c'] }] });
    await expect(readPdf(file, limits({ maxPages: 2 }))).rejects.toMatchObject({
      statusCode: 400,
      message: 'The PDF has 3 pages; at most 2 are accepted. Split it.',
    });
  });

  it('refuses a file over the size limit before parsing it', async () => {
    await expect(readPdf(pdfFile({ pages: [{ lines: ['a'] }] }), limits({ maxBytes: 100 }))).rejects.toMatchObject({
      statusCode: 413,
    });
  });

  it('stops at the text limit', async () => {
    const file = pdfFile({ pages: [{ lines: ['A line of some length.'] }, { lines: ['And another one.'] }] });
    await expect(readPdf(file, limits({ maxTextChars: 30 }))).rejects.toMatchObject({
      statusCode: 413,
      message: expect.stringMatching(/longer than 30 characters/) as unknown,
    });
  });

  it('stops a file that takes too long, without holding the event loop', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const err: unknown = await readPdf(inflating, limits({ timeoutMs: 500 })).catch((e: unknown) => e);
    clearInterval(ticker);
    expect(err).toMatchObject({ statusCode: 400, message: expect.stringMatching(/took longer than 0.5 s/) as unknown });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ticks).toBeGreaterThan(20);
  });

  it('refuses a page drawn with more text runs than allowed', async () => {
    const block = `${'(abc) Tj 0 -14 Td '.repeat(40)} 0 560 Td `;
    const dense = pdfFile({ pages: [{ deflated: `BT /F1 12 Tf 72 720 Td ${block.repeat(5000)} ET` }] });
    await expect(readPdf(dense, limits({ maxRunsPerPage: 10_000 }))).rejects.toMatchObject({
      statusCode: 400,
      message: 'Page 1 of the PDF draws more than 10000 pieces of text; split the file.',
    });
  });

  it('stops a file whose streams inflate the process past its memory budget', async () => {
    // 100 kB that inflate to 100 MB: buffers, which the thread's heap cap does not see.
    const spaces = pdfFile({ pages: [{ deflated: ' '.repeat(100 * 1024 * 1024) }] });
    const err: unknown = await readPdf(spaces, limits({ maxMemoryGrowthMb: 64 })).catch((e: unknown) => e);
    expect(err).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/more memory than a document may use/) as unknown,
    });
  });

  it('stops the parser when it runs out of its heap', async () => {
    const err: unknown = await readPdf(pdfFile({ pages: [{ lines: ['a'] }] }), limits({ maxHeapMb: 2 })).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/more memory than a document may use/) as unknown,
    });
  });
});
