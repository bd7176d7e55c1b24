import type { FastifyRequest } from 'fastify';
import type { BudgetKind } from '../rate-limit/gate.js';
import type { GatewayServices } from '../services.js';

/** Counts usage against the tenant's budget after the answer; a failed count is logged, never the client's problem. */
export function charge(request: FastifyRequest, svc: GatewayServices, kind: BudgetKind, amount: number): void {
  const tenant = request.principal?.tenant;
  if (!tenant) return;
  svc.gate.charge(tenant, kind, amount, svc.now()).catch((err: unknown) => {
    request.log.warn({ err, kind, amount }, 'Budget charge failed');
  });
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
