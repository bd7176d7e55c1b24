/**
 * Words too common to say anything about a transcript. Kept short on
 * purpose: the top-terms chart should show topics, not grammar.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'the and for are but not you all any can had her was one our out day get has him his how man new now old see ' +
    'two way who boy did its let put say she too use that with have this will your from they know want been good ' +
    'much some time very when come here just like long make many more only over such take than them well were what ' +
    'also into then there these those would could should about after again which while where their because yeah okay'
  ).split(' '),
);

/** Lower-cased words of three letters or more, stopwords removed. */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(/\p{L}{3,}/gu) ?? [];
  return words.filter((w) => !STOPWORDS.has(w));
}

/** How often each term occurs in the text. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of termsOf(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
