import { randomUUID } from 'node:crypto';
import { ErrorCode, JWT_ALG, NemoError, verificationKeyFor } from '@nemo/common';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ROLES, type Principal, type Role } from './principal.js';
import type { SigningKeyRing } from './signing-keys.js';

/** RFC 9068 access-token type: a token of another kind (an S2S token, an ID token) is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ISSUER = 'nemo-gateway';
export const AUDIENCE = 'nemo-api';
const ALG = JWT_ALG;
/** Real tokens are well under 1 KB; anything far larger is refused before parsing. */
export const MAX_TOKEN_LENGTH = 4096;
const CACHE_LIMIT = 10_000;

export interface AccessTokenOptions {
  keys: SigningKeyRing;
  ttlMs: number;
  clockToleranceSeconds?: number;
  now?: () => number;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/**
 * Access tokens: short-lived EdDSA JWTs with RFC 8725's checks (one allowed
 * algorithm, explicit typ, iss/aud/exp/nbf with small skew, a kid that must
 * be a well-formed thumbprint of a key we hold). Verified tokens are cached
 * until they expire, so a busy client costs one signature check, not one per
 * request; revocation is enforced elsewhere (see rate-limit/gate.ts).
 */
export class AccessTokens {
  private readonly cache = new Map<string, { principal: Principal; expMs: number }>();
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenOptions) {
    this.now = options.now ?? Date.now;
  }

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    const iat = Math.floor(this.now() / 1000);
    const ttl = Math.floor(this.options.ttlMs / 1000);
    const token = await new SignJWT({ role: principal.role, tenant: principal.tenant, sid: principal.sessionId })
      .setProtectedHeader({ alg: ALG, typ: ACCESS_TOKEN_TYPE, kid: this.options.keys.primary.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(principal.userId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + ttl)
      .sign(this.options.keys.primary.privateKey);
    return { token, expiresIn: ttl };
  }

  /** The principal of an `Authorization: Bearer` value verified before and not yet expired. */
  known(authorization: string | undefined): Principal | undefined {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return undefined;
    return this.cached(authorization.slice(7));
  }

  async verify(token: string): Promise<Principal> {
    const known = this.cached(token);
    if (known) return known;
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('token too long');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => verificationKeyFor(header, this.options.keys, invalid), {
        algorithms: [ALG],
        typ: ACCESS_TOKEN_TYPE,
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp', 'nbf', 'iat'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      throw toAuthError(err);
    }
    const principal = principalOf(payload);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear(); // bounded; a miss costs one verification
    this.cache.set(token, { principal, expMs: (payload.exp ?? 0) * 1000 });
    return principal;
  }

  /** A verified token's principal while it is unexpired; an expired entry is dropped. */
  private cached(token: string): Principal | undefined {
    const hit = this.cache.get(token);
    if (hit && hit.expMs > this.now()) return hit.principal;
    if (hit) this.cache.delete(token);
    return undefined;
  }
}

function principalOf(payload: JWTPayload): Principal {
  const role = payload['role'];
  const tenant = payload['tenant'];
  const sid = payload['sid'];
  if (!ROLES.includes(role as Role) || typeof tenant !== 'string' || typeof payload.sub !== 'string') {
    throw invalid('claims missing');
  }
  return {
    userId: payload.sub,
    role: role as Role,
    tenant,
    sessionId: typeof sid === 'string' ? sid : undefined,
    apiKeyId: undefined,
  };
}

export function invalid(reason: string): NemoError {
  return new NemoError(ErrorCode.AuthInvalid, 'The access token is not valid; sign in again.', {
    cause: new Error(reason),
  });
}

function toAuthError(err: unknown): NemoError {
  if (err instanceof NemoError) return err;
  if (err instanceof joseErrors.JWTExpired) {
    return new NemoError(ErrorCode.AuthExpired, 'The access token has expired; refresh it or sign in again.', {
      cause: err,
    });
  }
  return new NemoError(ErrorCode.AuthInvalid, 'The access token is not valid; sign in again.', { cause: err });
}
