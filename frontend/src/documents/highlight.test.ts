import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';

describe('highlight', () => {
  it('marks every query word of three letters or more, in any case', () => {
    expect(highlight('The Refund policy: refunds within 30 days.', 'refund policy of 30')).toEqual([
      { text: 'The ', match: false },
      { text: 'Refund', match: true },
      { text: ' ', match: false },
      { text: 'policy', match: true },
      { text: ': ', match: false },
      { text: 'refund', match: true },
      { text: 's within ', match: false },
      { text: '30', match: true },
      { text: ' days.', match: false },
    ]);
  });

  it('treats regex characters in the query as text and leaves markup as text', () => {
    expect(highlight('<b>a.*b</b>', '.* <b>')).toEqual([{ text: '<b>a.*b</b>', match: false }]);
  });
});
