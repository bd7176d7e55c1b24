import { randomUUID } from 'node:crypto';
import type { InsightsEvent } from '@nemo/common';

/** A fixed hour in the past that every query below asks about. */
export const HOUR = '2026-01-05T10:00:00.000Z';
const at = (minute: number) => new Date(Date.parse(HOUR) + minute * 60_000).toISOString();
const env = (tenant: string, userId: string, minute: number) => ({ id: randomUUID(), at: at(minute), tenant, userId });

/** Hand-made events with answers worked out by hand in the tests. */
export function knownEvents(tenant: string, userId: string): InsightsEvent[] {
  const e = (minute: number) => env(tenant, userId, minute);
  return [
    { ...e(1), type: 'chat.usage', promptTokens: 100, completionTokens: 50, model: 'gemma' },
    { ...e(2), type: 'chat.usage', promptTokens: 10, completionTokens: 40, model: 'gemma' },
    { ...e(3), type: 'transcription.usage', audioSeconds: 90 },
    { ...e(4), type: 'emotion.segment', conversationId: 'call-1', speaker: 'S1', label: 'joy', score: 0.9 },
    { ...e(5), type: 'emotion.segment', conversationId: 'call-1', speaker: 'S2', label: 'anger', score: 0.6 },
    { ...e(6), type: 'emotion.segment', conversationId: 'call-1', speaker: 'S1', label: 'joy', score: 0.7 },
    { ...e(7), type: 'rag.query', results: 0 },
    { ...e(8), type: 'rag.query', results: 4 },
    { ...e(9), type: 'rag.query', results: 2 },
    { ...e(10), type: 'rag.query', results: 0 },
    ...[3, 8, 40, 400, 9000].map((waitMs, i): InsightsEvent => ({
      ...e(11 + i),
      type: 'gpu.wait',
      workload: 'llm',
      class: 'interactive',
      waitMs,
      outcome: 'granted',
    })),
    { ...e(20), type: 'gpu.wait', workload: 'asr', class: 'batch', waitMs: 30_000, outcome: 'denied' },
    {
      ...e(21),
      type: 'transcript.text',
      transcriptId: 't1',
      text: 'The GPU budget, the GPU queue and the budget review.',
    },
  ];
}

export const RANGE = `from=${encodeURIComponent(HOUR)}&to=${encodeURIComponent(at(60))}`;
