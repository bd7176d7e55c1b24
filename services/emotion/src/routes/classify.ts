import { PLATFORM_TENANT, type InsightsEventsClient, type S2SClaims } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import type { Classification, EmotionClassifier } from '../classifier.js';
import { BatchBody, ClassifyBody, SegmentsBody } from '../schemas.js';
import { summarizeBySpeaker } from '../segments.js';

export interface EmotionServices {
  classifier: EmotionClassifier;
  /** Absent when no insights service is configured: results are returned, not recorded. */
  events: InsightsEventsClient | undefined;
}

type SegmentResult = Classification & { speaker: string };

const tags = ['emotion'];

/**
 * Transcript segments to insights, one `emotion.segment` event each: the one
 * record of emotion results (this service keeps none). Filed under the
 * forwarded user's tenant, or the platform's for work done for no user.
 */
function recordSegments(
  events: InsightsEventsClient | undefined,
  caller: S2SClaims | undefined,
  conversationId: string,
  results: readonly SegmentResult[],
): void {
  if (!events) return;
  const owner = { tenant: caller?.tenant ?? PLATFORM_TENANT, ...(caller?.subject ? { userId: caller.subject } : {}) };
  for (const r of results) {
    events.emit({
      type: 'emotion.segment',
      ...owner,
      conversationId,
      speaker: r.speaker,
      label: r.label,
      score: r.score,
    });
  }
}

/** Texts, batches and transcript segments, classified into the platform's label set. */
export function classifyRoutes(app: FastifyInstance, svc: EmotionServices): void {
  const classified = new Counter({
    name: 'emotion_classifications_total',
    help: 'Texts classified, by platform label.',
    labelNames: ['label'] as const,
    registers: [app.metrics],
  });
  const classify = async (texts: readonly string[]) => {
    const results = await svc.classifier.classify(texts);
    for (const r of results) classified.inc({ label: r.label });
    return results;
  };

  app.post<{ Body: ClassifyBody }>(
    '/v1/classify',
    { schema: { tags, summary: 'Classify one text', body: ClassifyBody } },
    async (request) => {
      const [result] = await classify([request.body.text]);
      return result;
    },
  );

  app.post<{ Body: BatchBody }>(
    '/v1/classify/batch',
    { schema: { tags, summary: 'Classify a batch of texts', body: BatchBody } },
    async (request) => ({ results: await classify(request.body.texts) }),
  );

  app.post<{ Body: SegmentsBody }>(
    '/v1/segments',
    {
      schema: {
        tags,
        summary: 'Classify transcript segments; per-segment and per-speaker results, recorded in insights',
        body: SegmentsBody,
      },
    },
    async (request) => {
      const { segments, streamId } = request.body;
      const results = (await classify(segments.map((s) => s.text))).map((result, i) => {
        const { speaker, start, end } = segments[i]!;
        return { speaker, start, end, ...result };
      });
      // Insights groups emotions by conversation and speaker: segments of no conversation are not recorded.
      if (streamId && (request.body.record ?? true)) recordSegments(svc.events, request.caller, streamId, results);
      return { streamId, segments: results, speakers: summarizeBySpeaker(results) };
    },
  );
}
