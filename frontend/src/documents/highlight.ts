export interface Segment {
  text: string;
  match: boolean;
}

/** Words of the query worth marking: three letters or more, lower-cased. */
function termsOf(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/\p{L}{3,}|\p{N}+/gu) ?? [])];
}

const escape = (term: string): string => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits a passage into plain and matching runs, so the page can wrap the
 * matches in <mark> as text nodes (never as HTML built from the passage).
 */
export function highlight(passage: string, query: string): Segment[] {
  const terms = termsOf(query);
  if (terms.length === 0) return [{ text: passage, match: false }];
  const pattern = new RegExp(`(${terms.map(escape).join('|')})`, 'giu');
  return passage
    .split(pattern)
    .filter((text) => text !== '')
    .map((text) => ({ text, match: terms.includes(text.toLowerCase()) }));
}
