import type { BudgetKind } from '../rate-limit/gate.js';

/** Per-route settings, in each route's `config`, that the auth and rate-limit hooks read. */
export interface RoutePolicy {
  /** Who may call: anyone, a signed-in user, or an admin. Absent: anyone. */
  auth?: 'none' | 'user' | 'admin';
  /** Whether an API key is accepted in place of an access token. */
  apiKeys?: boolean;
  /** false: no rate limit (probes, docs, static files). */
  rateLimit?: boolean;
  /** The tenant budget the request draws on. */
  budget?: BudgetKind;
}

declare module 'fastify' {
  // Declaration merging: fastify's route config gains our fields.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends RoutePolicy {}
}
