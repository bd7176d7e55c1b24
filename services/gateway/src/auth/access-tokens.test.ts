import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessTokens } from './access-tokens.js';
import type { Principal } from './principal.js';
import { signingKeyRing } from './signing-keys.js';

const principal: Principal = { userId: 'u1', role: 'user', tenant: 't1', sessionId: 's1', apiKeyId: undefined };
const secret = () => randomBytes(32).toString('base64url');

describe('AccessTokens', () => {
  it('issues a token it verifies back to the same principal', async () => {
    const tokens = new AccessTokens({ keys: await signingKeyRing(secret(), undefined), ttlMs: 60_000 });
    const { token, expiresIn } = await tokens.issue(principal);
    expect(expiresIn).toBe(60);
    await expect(tokens.verify(token)).resolves.toEqual(principal);
  });

  it('derives the same key from the same secret on every replica', async () => {
    const s = secret();
    expect((await signingKeyRing(s, undefined)).primary.kid).toBe((await signingKeyRing(s, undefined)).primary.kid);
  });

  it('accepts tokens of the previous key after a rotation, and refuses them once it is dropped', async () => {
    const [old, next] = [secret(), secret()];
    const before = new AccessTokens({ keys: await signingKeyRing(old, undefined), ttlMs: 60_000 });
    const { token } = await before.issue(principal);
    const rotated = new AccessTokens({ keys: await signingKeyRing(next, old), ttlMs: 60_000 });
    await expect(rotated.verify(token)).resolves.toEqual(principal);
    const dropped = new AccessTokens({ keys: await signingKeyRing(next, undefined), ttlMs: 60_000 });
    await expect(dropped.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses a token past its expiry, with a small skew', async () => {
    let now = Date.now();
    const tokens = new AccessTokens({ keys: await signingKeyRing(secret(), undefined), ttlMs: 60_000, now: () => now });
    const { token } = await tokens.issue(principal);
    now += 63_000; // within the 5 s skew
    await expect(tokens.verify(token)).resolves.toEqual(principal);
    const later = new AccessTokens({
      keys: (tokens as unknown as { options: { keys: never } }).options.keys,
      ttlMs: 60_000,
      now: () => now + 10_000,
    });
    await expect(later.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_EXPIRED' });
  });

  it('stops serving a cached verification once the token expires', async () => {
    let now = Date.now();
    const tokens = new AccessTokens({ keys: await signingKeyRing(secret(), undefined), ttlMs: 1_000, now: () => now });
    const { token } = await tokens.issue(principal);
    await tokens.verify(token);
    now += 20_000;
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_EXPIRED' });
  });
});
