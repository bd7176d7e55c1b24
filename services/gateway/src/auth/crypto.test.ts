import { describe, expect, it } from 'vitest';
import { FieldCipher } from './field-cipher.js';
import { hashPassword, verifyPassword } from './password.js';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple', cheap);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', cheap)).not.toBe(await hashPassword('same', cheap));
  });

  it.each(['', 'plain', 'scrypt$x$8$1$AAAA$BBBB', 'bcrypt$1$2$3$4$5'])(
    'never matches a malformed hash %j',
    async (stored) => {
      await expect(verifyPassword('anything', stored)).resolves.toBe(false);
    },
  );
});

describe('FieldCipher (AES-256-GCM)', () => {
  const cipher = new FieldCipher('k'.repeat(32));

  it('round-trips, with a fresh IV each time', () => {
    const a = cipher.encrypt('ada@example.com', 'users.email:1');
    expect(a).not.toContain('ada');
    expect(a).not.toBe(cipher.encrypt('ada@example.com', 'users.email:1'));
    expect(cipher.decrypt(a, 'users.email:1')).toBe('ada@example.com');
  });

  it('refuses a value moved to another row or column', () => {
    const sealed = cipher.encrypt('ada@example.com', 'users.email:1');
    expect(() => cipher.decrypt(sealed, 'users.email:2')).toThrow();
    expect(() => cipher.decrypt(sealed, 'users.display_name:1')).toThrow();
  });

  it('refuses a tampered value and another key', () => {
    const sealed = cipher.encrypt('secret', 'c');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([parts[0], parts[1], body.toString('base64url'), parts[3]].join('.'), 'c')).toThrow();
    expect(() => new FieldCipher('x'.repeat(32)).decrypt(sealed, 'c')).toThrow();
  });
});
