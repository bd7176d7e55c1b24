import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, type Registry } from 'prom-client';
import type { Principal } from '../auth/principal.js';
import type { Revocations } from '../auth/revocations.js';
import { gateUnavailable, secondsUntilTomorrow, type BudgetKind, type Gate, type GateDecision } from './gate.js';
import '../auth/route-policy.js';

export type FailMode = 'closed' | 'open';

export interface AdmissionOptions {
  gate: Gate;
  revocations: Revocations;
  failMode: FailMode;
  now?: () => number;
  /** Told of every decision: what it was, and whether a lease or Redis made it. */
  record?: (outcome: Outcome, decidedBy: 'lease' | 'redis') => void;
}

/** A gate decision, or what happened without one: Redis down, and the request refused or let through. */
export type Outcome = GateDecision['kind'] | 'unavailable' | 'unchecked';

export interface Admission {
  ip: string;
  principal: Principal | undefined;
  budget?: BudgetKind | undefined;
}

type WarnLog = { warn(obj: object, msg: string): void };
type Allowed = Extract<GateDecision, { kind: 'allowed' }>;

/** Kubelet and Prometheus poll these; they must answer whatever Redis is doing. */
const PROBES = new Set(['/health', '/ready', '/metrics']);

const revoked = () => new NemoError(ErrorCode.AuthInvalid, 'These credentials have been revoked; sign in again.');

/**
 * Asks the gate whether a request may pass, and throws the refusal when it
 * may not. With Redis down the request is refused with 503 (fail closed) or
 * let through (fail open), with revocation then checked in Postgres.
 * Returns undefined when let through without a rate-limit reading. A request
 * covered by a lease is decided at once, without a promise.
 */
export function admit(
  opts: AdmissionOptions,
  input: Admission,
  log: WarnLog,
): Allowed | undefined | Promise<Allowed | undefined> {
  const now = (opts.now ?? Date.now)();
  const decision = opts.gate.check({ ...input, now });
  if (!(decision instanceof Promise)) return recorded(opts, decision, now);
  return decision.then(
    (decided) => recorded(opts, decided, now),
    (err: unknown) => admitWithoutRedis(opts, input, log, err),
  );
}

function recorded(opts: AdmissionOptions, decision: GateDecision, now: number): Allowed {
  opts.record?.(decision.kind, decision.kind === 'allowed' && decision.fromLease ? 'lease' : 'redis');
  return refuseUnlessAllowed(decision, now);
}

async function admitWithoutRedis(opts: AdmissionOptions, input: Admission, log: WarnLog, err: unknown) {
  opts.record?.(opts.failMode === 'closed' ? 'unavailable' : 'unchecked', 'redis');
  if (opts.failMode === 'closed') throw gateUnavailable(err);
  log.warn({ err }, 'Rate limiting skipped: Redis unavailable and fail mode is open');
  if (input.principal && (await opts.revocations.isRevokedInDb(input.principal))) throw revoked();
  return undefined;
}

function refuseUnlessAllowed(decision: GateDecision, now: number): Allowed {
  switch (decision.kind) {
    case 'revoked':
      throw revoked();
    case 'budget-spent':
      throw new NemoError(ErrorCode.RateLimited, "Your tenant's daily budget for this endpoint is spent.", {
        retryAfterSeconds: secondsUntilTomorrow(now),
      });
    case 'limited': {
      const wait = Math.max(1, Math.ceil(decision.waitMs / 1000));
      throw Object.assign(
        new NemoError(ErrorCode.RateLimited, `Too many requests; try again in ${wait} seconds.`, {
          retryAfterSeconds: wait,
        }),
        { rateLimit: { limit: decision.limit, remaining: 0, resetSeconds: wait } },
      );
    }
    default:
      return decision;
  }
}

/** Counts admission decisions on /metrics, as `gateway_admissions_total{outcome, decided_by}`. */
export function admissionCounter(registry: Registry): NonNullable<AdmissionOptions['record']> {
  const admissions = new Counter({
    name: 'gateway_admissions_total',
    help: 'Rate-limit decisions by outcome, and whether a lease (no Redis round trip) or Redis made them.',
    labelNames: ['outcome', 'decided_by'] as const,
    registers: [registry],
  });
  return (outcome, decidedBy) => admissions.inc({ outcome, decided_by: decidedBy });
}

/** Runs admission for every rate-limited route, after authentication, and sets the RateLimit headers. */
export const rateLimitPlugin = fp(
  (app: FastifyInstance, opts: AdmissionOptions, done: () => void) => {
    app.addHook('onRequest', (request, reply, next) => {
      const config = request.routeOptions.config;
      if (config.rateLimit === false || PROBES.has(request.routeOptions.url ?? '')) return next();
      const admitted = (allowed: Allowed | undefined) => {
        if (allowed) setHeaders(reply, allowed.limit, allowed.remaining, Math.ceil(allowed.resetMs / 1000));
        next();
      };
      const refused = (err: unknown) => {
        const reading = (err as { rateLimit?: { limit: number; remaining: number; resetSeconds: number } }).rateLimit;
        if (reading) setHeaders(reply, reading.limit, reading.remaining, reading.resetSeconds);
        next(err as Error);
      };
      let outcome: ReturnType<typeof admit>;
      try {
        outcome = admit(opts, { ip: request.ip, principal: request.principal, budget: config.budget }, request.log);
      } catch (err) {
        return refused(err);
      }
      if (outcome instanceof Promise) outcome.then(admitted, refused);
      else admitted(outcome);
    });
    done();
  },
  { name: 'nemo-gateway-rate-limit', fastify: '5.x', dependencies: ['nemo-gateway-authenticate'] },
);

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, -06 form). */
function setHeaders(reply: FastifyReply, limit: number, remaining: number, resetSeconds: number): void {
  void reply.headers({
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, remaining)),
    'ratelimit-reset': String(Math.max(0, resetSeconds)),
  });
}
