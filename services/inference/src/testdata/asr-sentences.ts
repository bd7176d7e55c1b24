/**
 * Sentences for the ASR accuracy test, written for it: everyday meeting
 * language, no numbers or names whose spelling is a matter of convention.
 */
export const ASR_SENTENCES: readonly string[] = [
  'The quick brown fox jumps over the lazy dog.',
  'Please call me back after the meeting tomorrow.',
  'We need to finish the report before the end of the week.',
  'The weather was cold and windy all morning.',
  'Can you send me the slides from the presentation?',
  'Our team will review the budget on Monday.',
  'She bought fresh bread and milk at the market.',
  'The train to the city leaves in a few minutes.',
  'I think we should move the deadline to next month.',
  'Thank you all for joining the call today.',
  'The new office has a large window facing the river.',
  'He forgot his keys on the kitchen table.',
];
