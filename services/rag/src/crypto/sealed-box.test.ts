import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, SecretStore } from '@nemo/common';
import { describe, expect, it } from 'vitest';
import { randomKeyRing } from '../testing/keys.js';
import { keyIdOf, loadKeyRing, open, seal } from './sealed-box.js';

describe('sealed box (AES-256-GCM)', () => {
  const ring = randomKeyRing();
  const plain = Buffer.from('chunk text that must stay private');

  it('round-trips, with a fresh nonce every time', () => {
    const a = seal(ring.primary, plain, 'aad');
    const b = seal(ring.primary, plain, 'aad');
    expect(a.equals(b)).toBe(false);
    expect(open(ring, a, 'aad', 'record').toString()).toBe(plain.toString());
    expect(a.includes(plain)).toBe(false);
  });

  it('refuses a flipped bit, naming what failed', () => {
    const sealed = seal(ring.primary, plain, 'aad');
    sealed[30]! ^= 1;
    expect(() => open(ring, sealed, 'aad', 'snapshot file /x')).toThrow(/snapshot file \/x failed authentication/);
  });

  it('refuses a record moved to another context (AAD)', () => {
    expect(() => open(ring, seal(ring.primary, plain, 'tenant-a'), 'tenant-b', 'email 1')).toThrow(
      /failed authentication/,
    );
  });

  it('names the missing key when the wrong key is configured', () => {
    const sealed = seal(ring.primary, plain, 'aad');
    expect(() => open(randomKeyRing(), sealed, 'aad', 'email 1')).toThrow(
      new RegExp(`under key ${keyIdOf(sealed)}, which is not configured`),
    );
  });

  it('opens data sealed under the previous key during a rotation', () => {
    const next = randomKeyRing(ring);
    expect(open(next, seal(ring.primary, plain, 'aad'), 'aad', 'record')).toEqual(plain);
  });

  it('loads keys from secret files and rejects keys of the wrong size', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-'));
    writeFileSync(path.join(dir, 'rag-db-key'), Buffer.alloc(32, 7).toString('base64url'));
    writeFileSync(path.join(dir, 'rag-db-key-previous'), Buffer.alloc(32, 8).toString('base64url'));
    const loaded = loadKeyRing(new SecretStore(dir), 'rag-db-key');
    expect(loaded.previous?.id).toMatch(/^[0-9a-f]{16}$/);
    writeFileSync(path.join(dir, 'email-db-key'), Buffer.alloc(16).toString('base64url'));
    expect(() => loadKeyRing(new SecretStore(dir), 'email-db-key')).toThrow(ConfigError);
  });
});
