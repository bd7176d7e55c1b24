import { ErrorCode, NemoError, type S2SClaims } from '@nemo/common';

/** Which rows a query may read: one tenant (or all, for admins) and optionally one user. */
export interface Scope {
  tenant: string | undefined;
  userId: string | undefined;
}

export interface ScopeRequest {
  tenant?: string | undefined;
  userId?: string | undefined;
}

/**
 * Tenancy for every query. The caller is the S2S token's forwarded user:
 * its tenant and role are signed by the gateway, never taken from the query.
 * An admin may read any tenant, or all; anyone else reads their own tenant
 * only, and asking for another one is refused rather than quietly narrowed,
 * so a client bug cannot look like an empty dashboard.
 */
export function scopeOf(caller: S2SClaims | undefined, wanted: ScopeRequest): Scope {
  if (!caller?.subject || !caller.tenant) {
    throw new NemoError(ErrorCode.Forbidden, 'Insights are read on behalf of a signed-in user; sign in and retry.');
  }
  if (caller.role === 'admin') return { tenant: wanted.tenant, userId: wanted.userId };
  if (wanted.tenant !== undefined && wanted.tenant !== caller.tenant) {
    throw new NemoError(ErrorCode.Forbidden, 'You can only see insights of your own tenant.');
  }
  return { tenant: caller.tenant, userId: wanted.userId };
}

/** Only services write events, never a user's forwarded call: users must not forge analytics. */
export function assertServiceCaller(caller: S2SClaims | undefined): void {
  if (!caller || caller.subject !== undefined) {
    throw new NemoError(ErrorCode.Forbidden, 'Events are accepted from platform services only.');
  }
}
