import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for personal fields at rest. The key is derived from the
 * users-db secret with HKDF, and each value is bound to its row and column
 * through the additional data, so a ciphertext copied to another user or
 * field does not decrypt.
 */
export class FieldCipher {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    const material = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
    if (material.length < 16) throw new Error('users-db-key must carry at least 16 bytes');
    this.key = Buffer.from(hkdfSync('sha256', material, 'nemo-users-db', 'field encryption v1', 32));
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was tampered with or belongs to another context. */
  decrypt(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('not a sealed field');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
