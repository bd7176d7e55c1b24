/**
 * Over-long input: the classifier reads the first 128 word pieces (about 512
 * characters of English). The service sends the first MAX_INPUT_CHARS
 * characters, cut back to a word boundary, and says so in the result
 * (`truncated: true`, `analyzedChars`). Nothing is dropped silently.
 */
export const MAX_INPUT_CHARS = 512;

export interface Prepared {
  text: string;
  truncated: boolean;
}

export function prepareInput(raw: string): Prepared {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length <= MAX_INPUT_CHARS) return { text, truncated: false };
  const cut = text.lastIndexOf(' ', MAX_INPUT_CHARS);
  return { text: text.slice(0, cut > MAX_INPUT_CHARS / 2 ? cut : MAX_INPUT_CHARS), truncated: true };
}
