import { Parser } from 'htmlparser2';
import { badRequest } from '@nemo/common';
import { readPdf } from './pdf-reader.js';

export interface Extracted {
  text: string;
  /** A title found in the content (HTML <title>, a leading Markdown heading, PDF metadata). */
  title: string | undefined;
}

const TEXT_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;
const BINARY_TYPES = ['application/pdf'] as const;
type TextType = (typeof TEXT_TYPES)[number];
type BinaryType = (typeof BINARY_TYPES)[number];

export const SUPPORTED_CONTENT_TYPES = [...TEXT_TYPES, ...BINARY_TYPES] as const;
export type SupportedContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];
/** Content types whose bytes can only travel in JSON as base64. */
export const BINARY_CONTENT_TYPES: readonly string[] = BINARY_TYPES;

/** How `content` holds the document: as text (absent), or as the base64 of its bytes. */
export const CONTENT_ENCODINGS = ['base64'] as const;
export type ContentEncoding = (typeof CONTENT_ENCODINGS)[number];

export interface DocumentContent {
  content: string;
  contentType: string;
  contentEncoding?: ContentEncoding | undefined;
}

const TEXT_EXTRACTORS: Readonly<Record<TextType, (text: string) => Extracted>> = {
  'text/plain': (text) => ({ text: normalizeWhitespace(text), title: undefined }),
  'text/markdown': markdownToText,
  'text/html': htmlToText,
};
const BINARY_EXTRACTORS: Readonly<Record<BinaryType, (bytes: Uint8Array) => Promise<Extracted>>> = {
  'application/pdf': pdfToText,
};

/** Plain text for chunking, whatever the document's format. Offsets in citations refer to this text. */
export async function extractText(doc: DocumentContent): Promise<Extracted> {
  const type = doc.contentType;
  if (isOneOf(TEXT_TYPES, type)) return TEXT_EXTRACTORS[type](textOf(doc));
  if (isOneOf(BINARY_TYPES, type)) return BINARY_EXTRACTORS[type](bytesOf(doc));
  throw badRequest(`contentType must be one of ${SUPPORTED_CONTENT_TYPES.join(', ')}.`);
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function textOf(doc: DocumentContent): string {
  return doc.contentEncoding === 'base64' ? Buffer.from(decodeBase64(doc.content)).toString('utf8') : doc.content;
}

function bytesOf(doc: DocumentContent): Uint8Array {
  if (doc.contentEncoding !== 'base64') {
    throw badRequest(
      `A ${doc.contentType} document is binary: send the base64 of the file in content and set contentEncoding to "base64".`,
    );
  }
  return decodeBase64(doc.content);
}

/**
 * Strict standard base64 (RFC 4648, section 4, padded); line breaks are
 * ignored. Node's own decoder would skip bad characters and decode the rest.
 */
function decodeBase64(content: string): Uint8Array {
  const compact = content.replace(/[\r\n\t ]+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw badRequest('content is not valid base64: use the standard alphabet with = padding, and no data: URL prefix.');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

async function pdfToText(bytes: Uint8Array): Promise<Extracted> {
  const { pages, title } = await readPdf(bytes);
  const text = normalizeWhitespace(pages.join('\n\n'));
  if (text === '') {
    throw badRequest(
      'The PDF has no text layer (scanned pages are images, and OCR is not supported); send a PDF with selectable text, or the text itself.',
    );
  }
  return { text, title };
}

/** Keeps paragraph breaks (they end sentences), folds other runs of whitespace. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '')
    .join('\n\n');
}

const MARKDOWN_RULES: [RegExp, string][] = [
  [/^```.*$/gm, ''], // fences: keep the code, drop the markers
  [/!\[([^\]]*)\]\([^)]*\)/g, '$1'], // images: alt text
  [/\[([^\]]+)\]\([^)]*\)/g, '$1'], // links: their text
  [/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm, '$1.\n'], // headings end a sentence
  [/^\s{0,3}>\s?/gm, ''], // block quotes
  [/^\s*(?:[-*+]|\d+[.)])\s+/gm, '\n'], // list items: each its own paragraph
  [/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/gm, ''], // rules
  [/(\*\*|__|\*|_|~~|`)(\S(?:.*?\S)?)\1/g, '$2'], // emphasis and inline code
  [/<[^>]+>/g, ''], // inline HTML
];

export function markdownToText(markdown: string): Extracted {
  const heading = /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(markdown)?.[1];
  let text = markdown;
  for (const [pattern, replacement] of MARKDOWN_RULES) text = text.replace(pattern, replacement);
  // "Title." from a heading that already ends with punctuation would read "Title?."
  text = text.replace(/([.!?:])\.\n/g, '$1\n');
  return { text: normalizeWhitespace(text), title: heading };
}

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg']);
const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'hr',
  'main',
  'nav',
  'aside',
]);
const HEADINGS = /^h[1-6]$/;
/** Marks a heading's end so that it becomes a sentence end unless it already is one. */
const HEADING_END = '\uE000'; // private use: never in real text, not whitespace
const endHeadings = (text: string): string => text.replace(/([.!?:])\s*\uE000/g, '$1').replace(/\s*\uE000/g, '.');

export function htmlToText(html: string): Extracted {
  const parts: string[] = [];
  let skipDepth = 0;
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        else if (SKIPPED.has(name)) skipDepth++;
        if (BLOCKS.has(name)) parts.push('\n\n');
      },
      ontext(text) {
        if (inTitle) title += text;
        else if (skipDepth === 0) parts.push(text);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        else if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        if (HEADINGS.test(name)) parts.push(HEADING_END);
        if (BLOCKS.has(name)) parts.push('\n\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const text = endHeadings(normalizeWhitespace(parts.join('')));
  return { text, title: title.trim() || undefined };
}
