import { Parser } from 'htmlparser2';
import { badRequest } from '@nemo/common';

export interface Extracted {
  text: string;
  /** A title found in the content (HTML <title>, a leading Markdown heading). */
  title: string | undefined;
}

export const SUPPORTED_CONTENT_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;
export type SupportedContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];

/** Plain text for chunking, whatever the document's format. Offsets in citations refer to this text. */
export function extractText(content: string, contentType: string): Extracted {
  switch (contentType) {
    case 'text/plain':
      return { text: normalizeWhitespace(content), title: undefined };
    case 'text/markdown':
      return markdownToText(content);
    case 'text/html':
      return htmlToText(content);
    default:
      throw badRequest(`contentType must be one of ${SUPPORTED_CONTENT_TYPES.join(', ')}.`);
  }
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
