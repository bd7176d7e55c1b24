import { EventBatch } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { assertServiceCaller } from '../scope.js';
import { recordEvents } from '../store/intake.js';
import { parseOr400 } from './validate.js';

/** POST /v1/events: the one intake, for platform services (see @nemo/common's InsightsEventsClient). */
export function eventRoutes(app: FastifyInstance, pool: pg.Pool): void {
  app.post('/v1/events', { bodyLimit: 4 * 1024 * 1024 }, async (request, reply) => {
    assertServiceCaller(request.caller);
    const { events } = parseOr400(EventBatch, request.body, 'event batch');
    const stored = await recordEvents(pool, events);
    return reply.code(202).send({ received: events.length, stored });
  });
}
