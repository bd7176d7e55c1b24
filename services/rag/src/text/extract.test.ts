import { describe, expect, it } from 'vitest';
import { extractText } from './extract.js';

describe('text extraction', () => {
  it('turns Markdown into sentences, keeping link text and ending headings', () => {
    const md =
      '# Release notes\n\nVersion **2.1** adds [hybrid search](https://x.y).\n\n- Faster *ingestion*\n- `rag` fixes';
    const { text, title } = extractText(md, 'text/markdown');
    expect(title).toBe('Release notes');
    expect(text).toBe('Release notes.\n\nVersion 2.1 adds hybrid search.\n\nFaster ingestion\n\nrag fixes');
  });

  it('extracts HTML text without scripts or styles, with its title', () => {
    const html =
      '<html><head><title>Quarterly report</title><style>p{}</style></head><body><h1>Results</h1><p>Revenue rose &amp; costs fell.</p><script>alert(1)</script><p>Next steps follow.</p></body></html>';
    const { text, title } = extractText(html, 'text/html');
    expect(title).toBe('Quarterly report');
    expect(text).toBe('Results.\n\nRevenue rose & costs fell.\n\nNext steps follow.');
  });

  it('folds whitespace in plain text but keeps paragraphs', () => {
    expect(extractText('a  b\r\n\r\n\r\nc\td', 'text/plain').text).toBe('a b\n\nc d');
  });

  it('refuses other content types with a 400', () => {
    expect(() => extractText('%PDF-1.4', 'application/pdf')).toThrow(/contentType must be one of/);
  });
});
