import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { ErrorCode, NemoError } from '../errors.js';
import { JWT_ALG, verificationKeyFor } from './jwt-keys.js';
import type { S2SKey, S2SKeyRing } from './s2s-keys.js';

/** The `typ` header of platform S2S tokens (RFC 8725 §3.11: explicit typing). */
export const S2S_TOKEN_TYPE = 'nemo-s2s+jwt';
const ALG = JWT_ALG;

export interface S2SClaims {
  /** The calling service. */
  issuer: string;
  /** The user the call is made for, when there is one. */
  subject: string | undefined;
  /** Tenant of that user, when there is one. */
  tenant: string | undefined;
  /** That user's role ('admin' or 'user'), when the caller forwards it. */
  role: string | undefined;
}

export interface SignerOptions {
  issuer: string;
  key: S2SKey;
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * Mints short-lived tokens for calls to other services. Tokens are reused
 * until half their life has passed, so a busy caller signs a few per minute
 * rather than one per request.
 */
export class S2SSigner {
  private readonly cache = new Map<string, { token: string; refreshAt: number }>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly options: SignerOptions) {
    this.ttl = options.ttlSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  async token(audience: string, subject?: string, tenant?: string, role?: string): Promise<string> {
    const cacheKey = `${audience}\u0000${subject ?? ''}\u0000${tenant ?? ''}\u0000${role ?? ''}`;
    const nowMs = this.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.refreshAt > nowMs) return hit.token;

    const iat = Math.floor(nowMs / 1000);
    const jwt = new SignJWT({ ...(tenant ? { tenant } : {}), ...(role ? { role } : {}) })
      .setProtectedHeader({ alg: ALG, typ: S2S_TOKEN_TYPE, kid: this.options.key.kid })
      .setIssuer(this.options.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + this.ttl);
    if (subject) jwt.setSubject(subject);
    const token = await jwt.sign(this.options.key.privateKey);
    if (this.cache.size >= 1024) this.cache.clear(); // bounded: subjects are unbounded
    this.cache.set(cacheKey, { token, refreshAt: nowMs + (this.ttl * 1000) / 2 });
    return token;
  }
}

export interface VerifierOptions {
  /** This service: tokens must name it in `aud`. */
  audience: string;
  keys: S2SKeyRing;
  /** Services allowed to call; any issuer when absent. */
  issuers?: readonly string[];
  clockToleranceSeconds?: number;
  /** Tokens living longer than this are refused even if signed correctly. */
  maxTtlSeconds?: number;
  now?: () => number;
}

/** Verifies S2S tokens against the primary and previous keys (RFC 8725 checks). */
export class S2SVerifier {
  constructor(private readonly options: VerifierOptions) {}

  async verify(token: string): Promise<S2SClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => verificationKeyFor(header, this.options.keys, invalid),
        this.verifyOptions(),
      ));
    } catch (err) {
      throw toAuthError(err);
    }
    const maxTtl = this.options.maxTtlSeconds ?? 300;
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > maxTtl) throw invalid('token lifetime too long');
    return claimsOf(payload);
  }

  private verifyOptions(): JWTVerifyOptions {
    const { audience, issuers, clockToleranceSeconds, now } = this.options;
    return {
      algorithms: [ALG],
      typ: S2S_TOKEN_TYPE,
      audience,
      ...(issuers ? { issuer: [...issuers] } : {}),
      clockTolerance: clockToleranceSeconds ?? 5,
      requiredClaims: ['iss', 'aud', 'exp', 'iat'],
      ...(now ? { currentDate: new Date(now()) } : {}),
    };
  }
}

function claimsOf(payload: JWTPayload): S2SClaims {
  return {
    issuer: payload.iss ?? '',
    subject: payload.sub,
    tenant: typeof payload['tenant'] === 'string' ? payload['tenant'] : undefined,
    role: typeof payload['role'] === 'string' ? payload['role'] : undefined,
  };
}

function invalid(reason: string): NemoError {
  return new NemoError(ErrorCode.AuthInvalid, 'The service token is not valid.', { cause: new Error(reason) });
}

function toAuthError(err: unknown): NemoError {
  if (err instanceof NemoError) return err;
  if (err instanceof joseErrors.JWTExpired) {
    return new NemoError(ErrorCode.AuthExpired, 'The service token has expired.', { cause: err });
  }
  return new NemoError(ErrorCode.AuthInvalid, 'The service token is not valid.', { cause: err });
}
