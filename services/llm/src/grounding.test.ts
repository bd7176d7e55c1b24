import { S2SSigner, ServiceClient, keyFromPem } from '@nemo/common';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fitPassages, groundedMessages, Grounder, queryOf, type RagHit } from './grounding.js';

const hit = (id: string, text: string, score = 0.5): RagHit => ({
  score,
  text,
  citation: { documentId: id, title: `Title ${id}`, source: 'wiki', chunk: 0 },
});

describe('passage selection', () => {
  it('takes passages in rank order within the token budget, skipping one that does not fit', () => {
    const passages = [
      { hit: hit('a', 'A'), tokens: 60 },
      { hit: hit('b', 'B'), tokens: 50 },
      { hit: hit('c', 'C'), tokens: 30 },
    ];
    expect(fitPassages(passages, 100).map((p) => p.hit.citation.documentId)).toEqual(['a', 'c']);
    expect(fitPassages(passages, 10)).toEqual([]);
  });

  it('numbers the passages in a system preamble and cites them by the same numbers', () => {
    const g = groundedMessages(
      [{ role: 'user', content: 'Q?' }],
      [
        { hit: hit('a', ' Alpha text. ', 0.9), tokens: 5 },
        { hit: hit('b', 'Beta text.', 0.7), tokens: 5 },
      ],
    );
    expect(g.messages[0]?.role).toBe('system');
    expect(g.messages[0]?.content).toContain('[1] Title a\nAlpha text.\n\n[2] Title b\nBeta text.');
    expect(g.messages[1]).toEqual({ role: 'user', content: 'Q?' });
    expect(g.citations).toEqual([
      { id: 'a', index: 1, title: 'Title a', snippet: 'Alpha text.', source: 'wiki', chunk: 0, score: 0.9 },
      { id: 'b', index: 2, title: 'Title b', snippet: 'Beta text.', source: 'wiki', chunk: 0, score: 0.7 },
    ]);
  });

  it('asks rag with the last user message', () => {
    expect(
      queryOf([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: ' second ' },
      ]),
    ).toBe('second');
  });
});

describe('rag failure policy (a real closed port)', async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test');
  const rag = new ServiceClient({
    baseUrl: 'http://127.0.0.1:9',
    audience: 'rag',
    signer: new S2SSigner({ issuer: 'llm', key }),
    retries: 0,
    timeoutMs: 2_000,
  });
  const messages = [{ role: 'user' as const, content: 'Q?' }];
  const options = { rag, topK: 3, tokenBudget: 100, countTokens: (t: string) => t.length };

  it('answers ungrounded with a warning when so configured', async () => {
    const g = await new Grounder({ ...options, onFailure: 'ungrounded' }).ground(messages, { tenant: 'acme' });
    expect(g.messages).toEqual(messages);
    expect(g.citations).toEqual([]);
    expect(g.warning?.code).toBe('rag_unavailable');
  });

  it('fails with 503 and Retry-After when grounding is required', async () => {
    await expect(
      new Grounder({ ...options, onFailure: 'error' }).ground(messages, { tenant: 'acme' }),
    ).rejects.toMatchObject({ statusCode: 503, retryAfterSeconds: 2 });
  });

  it('treats a missing rag service as down', async () => {
    const g = await new Grounder({ ...options, rag: undefined, onFailure: 'ungrounded' }).ground(messages, {});
    expect(g.warning?.code).toBe('rag_unavailable');
  });
});
