import { describe, expect, it } from 'vitest';
import {
  chunkEvent,
  completionBody,
  DONE_EVENT,
  ragWanted,
  stopsOf,
  templateMessages,
  usageOf,
  type ChatCompletionRequest,
} from './openai.js';

const req = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const meta = { id: 'chatcmpl-1', created: 1700000000, model: 'gemma-3-270m-q4-k-m' };

describe('OpenAI request mapping', () => {
  it('maps roles (developer counts as system) and joins text parts', () => {
    expect(
      templateMessages(
        req({
          messages: [
            { role: 'developer', content: 'Be brief.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
            },
            { role: 'assistant', content: null },
          ],
        }),
      ),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'ab' },
      { role: 'assistant', content: '' },
    ]);
  });

  it('refuses roles the template cannot express with 400', () => {
    expect(() => templateMessages(req({ messages: [{ role: 'tool', content: 'x' }] }))).toThrow(
      expect.objectContaining({ statusCode: 400 }),
    );
  });

  it('reads stop as a string or a list', () => {
    expect(stopsOf(req())).toEqual([]);
    expect(stopsOf(req({ stop: 'END' }))).toEqual(['END']);
    expect(stopsOf(req({ stop: ['a', 'b'] }))).toEqual(['a', 'b']);
  });

  it('takes rag per request (boolean or the web UI object), else the default', () => {
    expect(ragWanted(req(), true)).toBe(true);
    expect(ragWanted(req({ rag: false }), true)).toBe(false);
    expect(ragWanted(req({ rag: { enabled: true } }), false)).toBe(true);
    expect(ragWanted(req({ rag: {} }), true)).toBe(true);
  });
});

describe('OpenAI response format', () => {
  it('builds a chat.completion with usage and extensions', () => {
    const body = completionBody(meta, { content: 'Hello', finish: 'length', usage: usageOf(10, 2) }, { citations: [] });
    expect(body).toEqual({
      ...meta,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello', refusal: null },
          logprobs: null,
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      system_fingerprint: null,
      citations: [],
    });
  });

  it('frames chunks as SSE events, with an empty choices list for the usage chunk', () => {
    const event = chunkEvent(meta, { content: 'Hi' }, null);
    expect(event.startsWith('data: {')).toBe(true);
    expect(event.endsWith('}\n\n')).toBe(true);
    expect(JSON.parse(event.slice(6))).toEqual({
      ...meta,
      object: 'chat.completion.chunk',
      system_fingerprint: null,
      choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null }],
    });
    const usage = JSON.parse(chunkEvent(meta, undefined, null, { usage: usageOf(1, 1) }).slice(6)) as object;
    expect(usage).toMatchObject({ choices: [], usage: { total_tokens: 2 } });
    expect(DONE_EVENT).toBe('data: [DONE]\n\n');
  });
});
