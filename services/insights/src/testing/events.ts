import { randomUUID } from 'node:crypto';
import type { InsightsEvent } from '@nemo/common';

/** A small seeded PRNG (mulberry32): random tests that replay the same on failure. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const WORDS = [
  'budget',
  'invoice',
  'gpu',
  'latency',
  'meeting',
  'the',
  'and',
  'customer',
  'Customer',
  'a',
  'kubernetes',
];

export interface RandomEventOptions {
  tenants: readonly string[];
  users: readonly string[];
  /** Events fall between now - spanMs and now. */
  spanMs: number;
  now?: number;
}

/** One random event of a random type, spread over tenants, users and time. */
export function randomEvent(rand: () => number, opts: RandomEventOptions): InsightsEvent {
  const now = opts.now ?? Date.now();
  const envelope = {
    id: randomUUID(),
    at: new Date(now - Math.floor(rand() * opts.spanMs)).toISOString(),
    tenant: pick(rand, opts.tenants),
    ...(rand() < 0.9 ? { userId: pick(rand, opts.users) } : {}),
  };
  const int = (max: number) => Math.floor(rand() * max);
  const makers: (() => InsightsEvent)[] = [
    () => ({
      ...envelope,
      type: 'chat.usage',
      promptTokens: int(500),
      completionTokens: int(500),
      model: pick(rand, ['gemma', 'tiny']),
    }),
    () => ({ ...envelope, type: 'transcription.usage', audioSeconds: Math.round(rand() * 6000) / 100 }),
    () => ({
      ...envelope,
      type: 'emotion.segment',
      conversationId: pick(rand, ['c1', 'c2', 'c3']),
      speaker: pick(rand, ['S1', 'S2']),
      label: pick(rand, ['joy', 'anger', 'neutral', 'sadness']),
      score: Math.round(rand() * 1000) / 1000,
    }),
    () => ({ ...envelope, type: 'rag.query', results: rand() < 0.3 ? 0 : int(10) }),
    () => ({
      ...envelope,
      type: 'gpu.wait',
      workload: pick(rand, ['llm', 'asr']),
      class: pick(rand, ['realtime', 'interactive', 'batch']),
      waitMs: Math.round(rand() ** 3 * 120_000),
      outcome: rand() < 0.1 ? 'denied' : 'granted',
    }),
    () => ({
      ...envelope,
      type: 'transcript.text',
      transcriptId: randomUUID(),
      text: Array.from({ length: 1 + int(12) }, () => pick(rand, WORDS)).join(rand() < 0.5 ? ' ' : ', '),
    }),
  ];
  return pick(rand, makers)();
}
