import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENERATED_SECRET_KEYS } from '../render/secrets.js';
import { generateSecretData, rotatedData, secretDataHash } from './generated-secret.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('generateSecretData', () => {
  it('fills every key with fresh values, never twice the same', () => {
    const a = generateSecretData();
    const b = generateSecretData();
    expect(Object.keys(a).sort()).toEqual([...GENERATED_SECRET_KEYS].sort());
    for (const key of GENERATED_SECRET_KEYS) expect(a[key]).not.toBe(b[key]);
    expect(a['s2s-primary.pem']).not.toBe(a['s2s-previous.pem']);
  });

  it('makes Ed25519 keys and 256-bit symmetric keys', () => {
    const data = generateSecretData();
    expect(createPrivateKey(data['s2s-primary.pem']).asymmetricKeyType).toBe('ed25519');
    expect(Buffer.from(data['users-db-key'], 'base64url')).toHaveLength(32);
    expect(data['redis.conf']).toContain(`requirepass ${data['redis-password']}`);
  });
});

describe('rotatedData', () => {
  const before = { 's2s-primary.pem': b64('P1'), 's2s-previous.pem': b64('P0'), 'session-key': b64('s') };

  it('moves primary to previous, installs the new primary and keeps the rest', () => {
    expect(rotatedData(before, 'P2')).toEqual({
      's2s-primary.pem': b64('P2'),
      's2s-previous.pem': b64('P1'),
      'session-key': b64('s'),
    });
  });

  it('changes the data hash, so pods roll', () => {
    expect(secretDataHash([{ data: rotatedData(before, 'P2') }])).not.toBe(secretDataHash([{ data: before }]));
  });
});
