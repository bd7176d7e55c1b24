import type { KeyObject } from 'node:crypto';
import type { JWTHeaderParameters } from 'jose';

/** The only algorithm platform tokens use (RFC 8725 §3.1: an allow-list of one). */
export const JWT_ALG = 'EdDSA';
/** kids are RFC 7638 SHA-256 thumbprints: 43 base64url characters, nothing else. */
const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface VerificationKeyRing {
  primary: { kid: string; publicKey: KeyObject };
  /** Still accepted while a rotation rolls out. */
  previous: { kid: string; publicKey: KeyObject } | undefined;
}

/**
 * The public key a JWT header asks for, after RFC 8725's header checks: the
 * allowed algorithm only, and a well-formed kid of a key the ring holds. A
 * refusal is thrown as `refuse(reason)`, so each token kind keeps its wording.
 */
export function verificationKeyFor(
  header: JWTHeaderParameters,
  ring: VerificationKeyRing,
  refuse: (reason: string) => Error,
): KeyObject {
  if (header.alg !== JWT_ALG) throw refuse('algorithm not allowed');
  if (typeof header.kid !== 'string' || !KID_PATTERN.test(header.kid)) throw refuse('malformed kid');
  const key = [ring.primary, ring.previous].find((k) => k?.kid === header.kid);
  if (!key) throw refuse('unknown kid');
  return key.publicKey;
}
