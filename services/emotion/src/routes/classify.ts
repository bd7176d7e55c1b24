import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { Classification, EmotionClassifier } from '../classifier.js';
import type { EmotionEvent, EventWriter } from '../event-writer.js';
import { BatchBody, ClassifyBody, SegmentsBody } from '../schemas.js';
import { summarizeBySpeaker } from '../segments.js';

export interface EmotionServices {
  classifier: EmotionClassifier;
  /** Absent without PostgreSQL: results are returned but not recorded. */
  events: EventWriter | undefined;
}

const tags = ['emotion'];

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
  const record = async (request: FastifyRequest, events: Omit<EmotionEvent, 'tenant'>[]) => {
    if (!svc.events)
      throw new NemoError(ErrorCode.Unavailable, 'Recording events needs PostgreSQL, which is not configured.');
    await svc.events.write(events.map((e) => ({ ...e, tenant: request.caller?.tenant })));
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
    async (request) => {
      const results = await classify(request.body.texts);
      if (request.body.record)
        await record(
          request,
          results.map((result) => plainEvent(result)),
        );
      return { results };
    },
  );

  app.post<{ Body: SegmentsBody }>(
    '/v1/segments',
    {
      schema: {
        tags,
        summary: 'Classify transcript segments; per-segment and per-speaker results',
        body: SegmentsBody,
      },
    },
    async (request) => {
      const { segments, streamId } = request.body;
      const results = (await classify(segments.map((s) => s.text))).map((result, i) => {
        const { speaker, start, end } = segments[i]!;
        return { speaker, start, end, ...result };
      });
      if (request.body.record ?? true) {
        await record(
          request,
          results.map((r) => ({ streamId, speaker: r.speaker, start: r.start, end: r.end, result: r })),
        );
      }
      return { streamId, segments: results, speakers: summarizeBySpeaker(results) };
    },
  );
}

function plainEvent(result: Classification): Omit<EmotionEvent, 'tenant'> {
  return { streamId: undefined, speaker: undefined, start: undefined, end: undefined, result };
}
