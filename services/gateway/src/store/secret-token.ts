import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/**
 * SHA-256 of a high-entropy secret. Unlike passwords, random 256-bit tokens
 * need no slow hash: a fast one is enough to make a stolen table useless.
 */
export const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
