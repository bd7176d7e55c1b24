import { describe, expect, it } from 'vitest';
import { readChatStream, type Citation } from './stream.js';

const sse = (...events: object[]) =>
  new Response(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n');

function recorder() {
  const seen = { tokens: [] as string[], citations: [] as Citation[], notices: [] as string[] };
  const handlers = {
    onToken: (t: string) => seen.tokens.push(t),
    onCitations: (c: Citation[]) => seen.citations.push(...c),
    onBusy: () => undefined,
    onNotice: (m: string) => seen.notices.push(m),
  };
  return { seen, handlers };
}

describe('readChatStream', () => {
  it("passes on tokens, citations and the llm service's warnings", async () => {
    const { seen, handlers } = recorder();
    await readChatStream(
      sse(
        {
          choices: [{ delta: { role: 'assistant', content: '' } }],
          citations: [{ id: 'd1', title: 'a.md' }],
          warning: { message: 'Search was unavailable.' },
        },
        { choices: [{ delta: { content: 'Hel' } }] },
        { choices: [{ delta: { content: 'lo' } }] },
      ),
      handlers,
    );
    expect(seen).toEqual({
      tokens: ['Hel', 'lo'],
      citations: [{ id: 'd1', title: 'a.md' }],
      notices: ['Search was unavailable.'],
    });
  });

  it('turns an error event after the stream began into an error with its message', async () => {
    const { handlers } = recorder();
    const failing = sse(
      { choices: [{ delta: { content: 'Hi' } }] },
      { error: { code: 'NEMO_ERR_UNAVAILABLE', message: 'The GPU lease was lost; retry the request.' } },
    );
    await expect(readChatStream(failing, handlers)).rejects.toMatchObject({
      message: 'The GPU lease was lost; retry the request.',
    });
  });
});
