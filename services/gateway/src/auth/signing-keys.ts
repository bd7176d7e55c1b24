import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';

export const SESSION_KEY_SECRET = 'session-key';
export const SESSION_KEY_PREVIOUS_SECRET = 'session-key-previous';

export interface SigningKey {
  /** RFC 7638 thumbprint: 43 base64url characters. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface SigningKeyRing {
  primary: SigningKey;
  /** Still accepted after a rotation until the access tokens it signed have expired. */
  previous: SigningKey | undefined;
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The Ed25519 key that signs access tokens, derived from the session-key
 * secret with HKDF. Deriving keeps the secret a plain random string (as the
 * operator generates it) while every replica arrives at the same key pair.
 */
export async function signingKeyFrom(secret: string): Promise<SigningKey> {
  if (Buffer.byteLength(secret) < 16) throw new Error('session-key must carry at least 16 bytes');
  const seed = Buffer.from(hkdfSync('sha256', secret, 'nemo-gateway', 'access token signing key v1', 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  return { kid: await calculateJwkThumbprint(await exportJWK(publicKey)), privateKey, publicKey };
}

export async function signingKeyRing(primary: string, previous: string | undefined): Promise<SigningKeyRing> {
  const ring = {
    primary: await signingKeyFrom(primary),
    previous: previous ? await signingKeyFrom(previous) : undefined,
  };
  if (ring.previous?.kid === ring.primary.kid) ring.previous = undefined;
  return ring;
}
