export const ROLES = ['admin', 'user'] as const;
export type Role = (typeof ROLES)[number];

/** Who a request acts for, once its credentials have been checked. */
export interface Principal {
  userId: string;
  role: Role;
  tenant: string;
  /** The refresh-token family behind an access token: revoking it ends the session. */
  sessionId: string | undefined;
  /** Set when the request came with an API key. */
  apiKeyId: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}
