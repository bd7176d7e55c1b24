/** Words for scoring: lower case, digits and letters only, apostrophes kept inside words. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** Word-level edit distance (substitutions, deletions, insertions) between reference and hypothesis. */
export function wordErrors(reference: readonly string[], hypothesis: readonly string[]): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= hypothesis.length; j += 1) {
      const cost = reference[i - 1] === hypothesis[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[hypothesis.length]!;
}

/** Word error rate of a corpus: total edits over total reference words. */
export function wer(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const ref = normalizeWords(reference);
    errors += wordErrors(ref, normalizeWords(hypothesis));
    words += ref.length;
  }
  return words === 0 ? 0 : errors / words;
}
