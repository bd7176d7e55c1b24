import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyFromPem, type S2SKey, type S2SKeyRing } from './s2s-keys.js';
import { S2S_TOKEN_TYPE, S2SSigner, S2SVerifier } from './s2s-token.js';

async function newKey(): Promise<S2SKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
}

const [oldest, previous, primary] = [await newKey(), await newKey(), await newKey()];
const ring: S2SKeyRing = { primary, previous };
const verifier = new S2SVerifier({ audience: 'rag', keys: ring, issuers: ['gateway', 'llm'] });
const sign = (key: S2SKey, opts: { issuer?: string; ttlSeconds?: number; now?: () => number } = {}) =>
  new S2SSigner({
    issuer: opts.issuer ?? 'gateway',
    key,
    ttlSeconds: opts.ttlSeconds ?? 60,
    now: opts.now ?? Date.now,
  });

describe('S2S tokens', () => {
  it('accepts a token from an allowed caller, with subject and tenant', async () => {
    const token = await sign(primary).token('rag', 'user-7', 'acme');
    await expect(verifier.verify(token)).resolves.toEqual({ issuer: 'gateway', subject: 'user-7', tenant: 'acme' });
  });

  it('carries the forwarded role, signed, and keeps tokens for different roles apart', async () => {
    const signer = sign(primary);
    const admin = await signer.token('insights', 'user-7', 'acme', 'admin');
    const user = await signer.token('insights', 'user-7', 'acme', 'user');
    await expect(verifier.verify(admin)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' }); // audience is rag
    const insights = new S2SVerifier({ audience: 'insights', keys: { primary, previous: undefined } });
    await expect(insights.verify(admin)).resolves.toMatchObject({ role: 'admin', tenant: 'acme' });
    await expect(insights.verify(user)).resolves.toMatchObject({ role: 'user' });
  });

  it('accepts a token signed by the previous key after rotation', async () => {
    await expect(verifier.verify(await sign(previous).token('rag'))).resolves.toMatchObject({ issuer: 'gateway' });
  });

  it('refuses a token signed by a key older than the previous one', async () => {
    await expect(verifier.verify(await sign(oldest).token('rag'))).rejects.toMatchObject({
      code: 'NEMO_ERR_AUTH_INVALID',
    });
  });

  it('refuses an expired token as expired', async () => {
    const token = await sign(primary, { now: () => Date.now() - 120_000 }).token('rag');
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_EXPIRED', statusCode: 401 });
  });

  it('tolerates small clock skew but not a token from the future', async () => {
    const skewed = await sign(primary, { now: () => Date.now() + 3_000 }).token('rag');
    await expect(verifier.verify(skewed)).resolves.toBeTruthy();
    const future = await sign(primary, { now: () => Date.now() + 60_000 }).token('rag');
    await expect(verifier.verify(future)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses a token for another audience', async () => {
    await expect(verifier.verify(await sign(primary).token('llm'))).rejects.toMatchObject({
      code: 'NEMO_ERR_AUTH_INVALID',
    });
  });

  it('refuses a caller that is not allowed', async () => {
    const token = await sign(primary, { issuer: 'insights' }).token('rag');
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({})
      .setIssuer('gateway')
      .setAudience('rag')
      .setIssuedAt()
      .setExpirationTime('1m')
      .encode();
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses HS256 signed with the public key as the HMAC secret', async () => {
    const secret = primary.publicKey.export({ type: 'spki', format: 'pem' });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: S2S_TOKEN_TYPE, kid: primary.kid })
      .setIssuer('gateway')
      .setAudience('rag')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new Uint8Array(Buffer.from(secret)));
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it.each([
    ['an unknown kid', 'A'.repeat(43)],
    ['a kid with a path in it', '../../etc/passwd'],
    ['a kid with SQL in it', "x' OR '1'='1"],
  ])('refuses %s', async (_name, kid) => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', typ: S2S_TOKEN_TYPE, kid })
      .setIssuer('gateway')
      .setAudience('rag')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(primary.privateKey);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses a token without the S2S typ', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: primary.kid })
      .setIssuer('gateway')
      .setAudience('rag')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(primary.privateKey);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await sign(primary).token('rag', 'user-1')).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 'gateway', aud: 'rag', sub: 'admin', iat: 1, exp: 9e9 })).toString(
      'base64url',
    );
    await expect(verifier.verify(`${h}.${forged}.${s}`)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('refuses a correctly signed token that lives too long', async () => {
    const token = await sign(primary, { ttlSeconds: 3600 }).token('rag');
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });

  it('reuses a token for half its life, then signs a new one', async () => {
    let now = Date.now();
    const signer = sign(primary, { now: () => now });
    const first = await signer.token('rag');
    now += 20_000;
    expect(await signer.token('rag')).toBe(first);
    now += 15_000;
    expect(await signer.token('rag')).not.toBe(first);
  });

  it('refuses a key file that is not Ed25519', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(
      keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'secret s2s-primary.pem'),
    ).rejects.toThrow(/s2s-primary.pem: expected an Ed25519 key/);
    await expect(keyFromPem('not a key', 'secret x')).rejects.toThrow(/PKCS#8 PEM/);
  });
});
