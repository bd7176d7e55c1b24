import { z } from 'zod';

/**
 * The one event schema of the insights service. Every event has the same
 * envelope (id, type, time, tenant, user) and a payload whose shape depends
 * on `type`:
 *
 * | type                  | from          | payload                                                       |
 * |-----------------------|---------------|---------------------------------------------------------------|
 * | `chat.usage`          | llm, gateway  | promptTokens, completionTokens, model                         |
 * | `transcription.usage` | transcription | audioSeconds                                                  |
 * | `emotion.segment`     | emotion       | conversationId, speaker, label, score                         |
 * | `rag.query`           | rag           | results (hits returned; 0 means an empty result)              |
 * | `gpu.wait`            | coordinator   | workload, class, waitMs, outcome (granted or denied)          |
 * | `transcript.text`     | transcription | transcriptId, text (counted into top terms, then kept raw)    |
 *
 * `id` makes intake idempotent: a batch sent twice is counted once.
 *
 * `tenant` is the tenant the work was done for. Work done for no user (a
 * platform job, a call whose token names no tenant) is filed under
 * {@link PLATFORM_TENANT}, which only admins see.
 */
const Name = z.string().min(1).max(128);
const Count = z.number().int().min(0).max(1e9);

/** Tenant names, as the gateway creates them. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The tenant of platform work: events without a user's tenant. The gateway
 * does not let a user tenant take this name, so no user sees these events
 * as their own tenant's; admins see them with every other tenant.
 */
export const PLATFORM_TENANT = 'platform';

const envelope = {
  id: z.uuid(),
  /** When it happened (ISO 8601); rollups bucket by this, not by arrival. */
  at: z.iso.datetime({ offset: true }),
  tenant: z.string().regex(TENANT_PATTERN, 'a lowercase tenant name'),
  /** The user the work was done for; absent for platform work. */
  userId: Name.optional(),
};

export const ChatUsageEvent = z.object({
  ...envelope,
  type: z.literal('chat.usage'),
  promptTokens: Count,
  completionTokens: Count,
  model: Name,
});

export const TranscriptionUsageEvent = z.object({
  ...envelope,
  type: z.literal('transcription.usage'),
  audioSeconds: z.number().min(0).max(1e7),
});

export const EmotionSegmentEvent = z.object({
  ...envelope,
  type: z.literal('emotion.segment'),
  conversationId: Name,
  speaker: Name,
  label: z.string().min(1).max(32),
  score: z.number().min(0).max(1),
});

export const RagQueryEvent = z.object({
  ...envelope,
  type: z.literal('rag.query'),
  results: Count,
});

export const GpuWaitEvent = z.object({
  ...envelope,
  type: z.literal('gpu.wait'),
  workload: z.enum(['llm', 'asr']),
  class: z.enum(['realtime', 'interactive', 'batch']),
  waitMs: z.number().min(0).max(86_400_000),
  outcome: z.enum(['granted', 'denied']),
});

export const TranscriptTextEvent = z.object({
  ...envelope,
  type: z.literal('transcript.text'),
  transcriptId: Name,
  text: z.string().max(200_000),
});

export const InsightsEvent = z.discriminatedUnion('type', [
  ChatUsageEvent,
  TranscriptionUsageEvent,
  EmotionSegmentEvent,
  RagQueryEvent,
  GpuWaitEvent,
  TranscriptTextEvent,
]);
export type InsightsEvent = z.infer<typeof InsightsEvent>;
export type InsightsEventType = InsightsEvent['type'];

/** The body of POST /v1/events. */
export const EventBatch = z.object({ events: z.array(InsightsEvent).min(1).max(500) });
export type EventBatch = z.infer<typeof EventBatch>;

/** What a producer fills in; the client adds id and time when they are absent. */
export type NewInsightsEvent = InsightsEvent extends infer E
  ? E extends InsightsEvent
    ? Omit<E, 'id' | 'at'> & { id?: string; at?: string }
    : never
  : never;
