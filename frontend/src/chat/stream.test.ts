import { describe, expect, it } from 'vitest';
import { readChatStream, type Citation } from './stream.js';

const sse = (...events: object[]) =>
  new Response(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n');

function recorder() {
  const seen = {
    tokens: [] as string[],
    citations: [] as Citation[],
    notices: [] as string[],
    conversations: [] as string[],
  };
  const handlers = {
    onToken: (t: string) => seen.tokens.push(t),
    onCitations: (c: Citation[]) => seen.citations.push(...c),
    onBusy: () => undefined,
    onNotice: (m: string) => seen.notices.push(m),
    onConversation: (id: string) => seen.conversations.push(id),
  };
  return { seen, handlers };
}

describe('readChatStream', () => {
  it("passes on tokens, citations, the conversation and the llm service's warnings", async () => {
    const { seen, handlers } = recorder();
    await readChatStream(
      sse(
        {
          choices: [{ delta: { role: 'assistant', content: '' } }],
          citations: [{ id: 'd1', title: 'a.md' }],
          warning: { message: 'Search was unavailable.' },
          conversation_id: 'c0ffee00-0000-4000-8000-000000000001',
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
      conversations: ['c0ffee00-0000-4000-8000-000000000001'],
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
