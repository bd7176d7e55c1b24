import { describe, expect, it } from 'vitest';
import { apiErrorOf, messageOf } from './errors.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('errors shown to people', () => {
  it("keeps the platform's own message, code and Retry-After", async () => {
    const err = await apiErrorOf(
      json(
        429,
        { error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'The GPUs are busy.', requestId: 'r' } },
        { 'retry-after': '7' },
      ),
    );
    expect(err).toMatchObject({
      status: 429,
      code: 'NEMO_ERR_RATE_LIMITED',
      retryAfterSeconds: 7,
      message: 'The GPUs are busy.',
    });
  });

  it('explains a body that is not the platform shape in plain words, never echoing it', async () => {
    const html = new Response('<html><body>502 Bad Gateway</body></html>', { status: 502 });
    expect((await apiErrorOf(html)).message).toBe('A platform service failed to answer. Try again in a moment.');
    const stack = json(500, { stack: 'Error: boom\n at x.js:1' });
    expect((await apiErrorOf(stack)).message).toMatch(/^Something went wrong \(HTTP 500\)\. Try again/);
    expect(messageOf(new TypeError('x is undefined'))).toBe(
      'Something unexpected went wrong. Reload the page and try again.',
    );
  });
});
