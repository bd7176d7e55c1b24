import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError, ErrorCode, NemoError, type SecretStore } from '@nemo/common';

/**
 * AES-256-GCM with a fresh 96-bit nonce per message. A sealed message is
 * `keyId(8) | nonce(12) | ciphertext | tag(16)`: the key id lets a reader
 * pick the right key during a rotation and say clearly which key is missing.
 */
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES;

export interface DataKey {
  /** Hex fingerprint of the key; safe to log and store. */
  id: string;
  secret: Buffer;
}

export interface KeyRing {
  /** Encrypts everything new. */
  primary: DataKey;
  /** Still decrypts while data is re-encrypted under the primary key. */
  previous: DataKey | undefined;
}

export function dataKeyFrom(secret: Buffer, label: string): DataKey {
  if (secret.length !== 32) {
    throw new ConfigError([`${label}: expected 32 bytes (base64url), got ${secret.length}`]);
  }
  const id = createHash('sha256').update('nemo-data-key-id\u0000').update(secret).digest().subarray(0, KEY_ID_BYTES);
  return { id: id.toString('hex'), secret };
}

/** Reads `<name>` (required) and `<name>-previous` (optional) as base64url 32-byte keys. */
export function loadKeyRing(secrets: SecretStore, name: string): KeyRing {
  const primary = dataKeyFrom(Buffer.from(secrets.read(name), 'base64url'), `secret ${name}`);
  const prevText = secrets.readOptional(`${name}-previous`);
  const previous = prevText ? dataKeyFrom(Buffer.from(prevText, 'base64url'), `secret ${name}-previous`) : undefined;
  return { primary, previous: previous?.id === primary.id ? undefined : previous };
}

export function seal(key: DataKey, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.secret, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from(key.id, 'hex'), nonce, body, cipher.getAuthTag()]);
}

/** The key id a sealed message was written under. */
export function keyIdOf(sealed: Buffer): string {
  return sealed.subarray(0, KEY_ID_BYTES).toString('hex');
}

/**
 * Opens a sealed message, or throws a DataIntegrity error naming `what`:
 * never returns bytes that did not authenticate.
 */
export function open(ring: KeyRing, sealed: Buffer, aad: string, what: string): Buffer {
  if (sealed.length < SEAL_OVERHEAD) throw integrityError(`${what} is truncated`);
  const keyId = keyIdOf(sealed);
  const key = [ring.primary, ring.previous].find((k) => k?.id === keyId);
  if (!key) {
    throw integrityError(`${what} was encrypted under key ${keyId}, which is not configured (wrong key?)`);
  }
  const nonce = sealed.subarray(KEY_ID_BYTES, KEY_ID_BYTES + NONCE_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.secret, nonce);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const body = sealed.subarray(KEY_ID_BYTES + NONCE_BYTES, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    throw integrityError(`${what} failed authentication: it was modified or is corrupt`, err);
  }
}

export function integrityError(message: string, cause?: unknown): NemoError {
  return new NemoError(ErrorCode.DataIntegrity, `${message}; refusing to use it.`, { cause });
}
