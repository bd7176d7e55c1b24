import { describe, expect, it } from 'vitest';
import type { NemoPlatform } from './api/types.js';
import { preflight } from './preflight.js';

const platform = (spec: NemoPlatform['spec']): NemoPlatform => ({
  apiVersion: 'nemo.dev/v1alpha1',
  kind: 'NemoPlatform',
  metadata: { name: 'nemo', namespace: 'ai' },
  spec,
});

describe('preflight', () => {
  it('finds nothing wrong with a default platform', () => {
    expect(preflight(platform({}), { secrets: new Set(), storageClasses: new Set(['standard']) })).toEqual([]);
  });

  it('names every missing referenced Secret and the namespace', () => {
    const problems = preflight(
      platform({
        secrets: { mode: 'external', externalSecretName: 'keys' },
        postgres: { mode: 'external', external: { secretRef: { name: 'pg' } } },
      }),
      { secrets: new Set(['unrelated']), storageClasses: undefined },
    );
    expect(problems).toEqual([
      {
        type: 'Degraded',
        reason: 'SecretMissing',
        message: 'Secret "keys", "pg" not found in namespace ai; create it or fix the reference in spec.',
        terminal: true,
      },
    ]);
  });

  it('names the field with an unknown StorageClass and lists the ones that exist', () => {
    const problems = preflight(platform({ modelCache: { storageClass: 'gold' } }), {
      secrets: new Set(),
      storageClasses: new Set(['standard', 'fast']),
    });
    expect(problems[0]).toMatchObject({
      reason: 'StorageClassNotFound',
      message: 'Unknown StorageClass in spec.modelCache.storageClass="gold"; available: fast, standard.',
    });
  });

  it('skips the StorageClass check when classes could not be listed', () => {
    expect(
      preflight(platform({ modelCache: { storageClass: 'gold' } }), { secrets: new Set(), storageClasses: undefined }),
    ).toEqual([]);
  });
});

describe('preflight for external secrets', () => {
  it('names each key missing from the external Secret', () => {
    const problems = preflight(platform({ secrets: { mode: 'external', externalSecretName: 'keys' } }), {
      secrets: new Set(['keys']),
      secretKeys: new Map([['keys', new Set(['s2s-primary.pem', 'session-key', 'users-db-key'])]]),
      storageClasses: undefined,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        reason: 'SecretKeysMissing',
        message: expect.stringContaining(
          'lacks key "rag-db-key", "email-db-key", "postgres-password", "redis-password", "redis.conf"',
        ) as unknown,
      }),
    ]);
  });
});
