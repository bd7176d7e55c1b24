import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ConfigError, type SecretStore } from '../config.js';

/** Secret file names for the service-to-service key pair. */
export const S2S_PRIMARY_KEY = 's2s-primary.pem';
export const S2S_PREVIOUS_KEY = 's2s-previous.pem';

export interface S2SKey {
  /** RFC 7638 thumbprint of the public key: every holder derives the same kid. */
  kid: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export interface S2SKeyRing {
  /** Signs new tokens. */
  primary: S2SKey;
  /** Still accepted while a rotation rolls out. */
  previous: S2SKey | undefined;
}

export async function keyFromPem(pem: string | Buffer, label: string): Promise<S2SKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ConfigError([`${label}: expected a PKCS#8 PEM Ed25519 private key`]);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError([`${label}: expected an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'unknown'}`]);
  }
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { kid, publicKey, privateKey };
}

/** Loads the primary (required) and previous (optional) keys from the secret store. */
export async function loadS2SKeyRing(secrets: SecretStore): Promise<S2SKeyRing> {
  const primary = await keyFromPem(secrets.read(S2S_PRIMARY_KEY), `secret ${S2S_PRIMARY_KEY}`);
  const prevPem = secrets.readOptional(S2S_PREVIOUS_KEY);
  const previous = prevPem ? await keyFromPem(prevPem, `secret ${S2S_PREVIOUS_KEY}`) : undefined;
  return { primary, previous: previous?.kid === primary.kid ? undefined : previous };
}
