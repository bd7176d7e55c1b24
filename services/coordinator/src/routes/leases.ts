import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AcquireOutcome, Arbiter } from '../arbiter.js';
import type { LeaseStore } from '../store/lease-store.js';
import {
  AcquireBody,
  GrantedReply,
  LeaseParams,
  QueuedReply,
  QueueReply,
  ReleaseQuery,
  RenewBody,
  RenewedReply,
} from './schemas.js';

export interface LeaseRoutesOptions {
  arbiter: Arbiter;
  store: LeaseStore;
  /** Aborted when the app starts closing: long polls answer at once. */
  stopping: AbortSignal;
}

/** The lease API; S2S auth is enforced by the service app for every route here. */
export function leaseRoutes(app: FastifyInstance, opts: LeaseRoutesOptions, done: () => void): void {
  const { arbiter, store, stopping } = opts;

  app.post<{ Body: AcquireBody }>(
    '/v1/leases',
    { schema: { body: AcquireBody, response: { 201: GrantedReply, 202: QueuedReply } } },
    async (request, reply) => {
      const { class: workClass, ...rest } = request.body;
      // The user the work is for comes from the verified token, as everywhere: never from the body.
      const who = { tenant: request.caller?.tenant, userId: request.caller?.subject };
      const outcome = await arbiter.acquire(
        { ...rest, workClass, ...who },
        { callerGone: callerGone(reply), stopping },
      );
      return answerAcquire(reply, outcome);
    },
  );

  app.post<{ Params: LeaseParams; Body: RenewBody | undefined }>(
    '/v1/leases/:id/renew',
    { schema: { params: LeaseParams, body: RenewBody, response: { 200: RenewedReply } } },
    async (request) => {
      const { id: leaseId } = request.params;
      const { class: workClass, ...claim } = request.body ?? {};
      const renewed = await arbiter.renew({ ...claim, workClass, leaseId });
      return { leaseId, slot: renewed.slot, expiresAt: iso(renewed.expiresAt), ttlMs: renewed.ttlMs };
    },
  );

  app.delete<{ Params: LeaseParams; Querystring: ReleaseQuery }>(
    '/v1/leases/:id',
    { schema: { params: LeaseParams, querystring: ReleaseQuery } },
    async (request, reply) => {
      await arbiter.release(request.params.id, request.query.outcome ?? 'released');
      return reply.code(204).send();
    },
  );

  app.get('/v1/queue', { schema: { response: { 200: QueueReply } } }, async () => {
    const snap = await store.snapshot();
    const busy = { llm: snap.busy['llm'] ?? 0, asr: snap.busy['asr'] ?? 0 };
    const { slots, maxQueue } = store.settings;
    const used = Object.values(snap.busy).reduce((a, b) => a + b, 0);
    return { slots, busy, free: Math.max(0, slots - used), depth: snap.depth, maxQueue, holdMs: snap.holdMs };
  });
  done();
}

function answerAcquire(reply: FastifyReply, outcome: AcquireOutcome): FastifyReply {
  switch (outcome.kind) {
    case 'granted': {
      const { leaseId, slot, expiresAt, ttlMs, waitMs } = outcome;
      return reply.code(201).send({ leaseId, slot, expiresAt: iso(expiresAt), ttlMs, waitMs });
    }
    case 'queued':
      return reply.code(202).send({ ...outcome, retryAfterMs: Math.ceil(outcome.retryAfterMs) });
    default:
      // The caller hung up; there is nobody to answer.
      return reply.code(499).send();
  }
}

/** Aborts when the caller closes the connection before the answer is sent. */
function callerGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
