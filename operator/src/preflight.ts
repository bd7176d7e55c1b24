import type { NemoPlatform } from './api/types.js';
import { datastoreSecretNames, platformSecretNames } from './render/secrets.js';
import { resolveSpec, type ResolvedSpec } from './render/spec-defaults.js';
import type { Problem } from './status.js';

export interface PreflightFacts {
  /** Secret names present in the platform's namespace. */
  secrets: ReadonlySet<string>;
  /** Keys of those Secrets, where known: used to check an external Secret has every key. */
  secretKeys?: ReadonlyMap<string, ReadonlySet<string>>;
  /** StorageClass names, or undefined when they could not be listed. */
  storageClasses: ReadonlySet<string> | undefined;
}

function missingSecrets(platform: NemoPlatform, spec: ResolvedSpec, facts: PreflightFacts): Problem[] {
  // Generated secrets are created by the operator itself before rendering; sealed ones
  // appear when the sealed-secrets controller unseals them (see sealed-secrets.ts).
  const referenced = spec.secrets.mode === 'external' ? platformSecretNames(platform, spec) : [];
  const missing = [...referenced, ...datastoreSecretNames(spec)].filter((n) => !facts.secrets.has(n));
  if (missing.length === 0) return [];
  return [
    {
      type: 'Degraded',
      reason: 'SecretMissing',
      message: `Secret ${missing.map((n) => JSON.stringify(n)).join(', ')} not found in namespace ${platform.metadata.namespace}; create it or fix the reference in spec.`,
      terminal: true,
    },
  ];
}

function requestedStorageClasses(spec: ResolvedSpec): { field: string; name: string }[] {
  const fields = [
    { field: 'spec.modelCache.storageClass', name: spec.modelCache.storageClass },
    { field: 'spec.rag.index.persistence.storageClass', name: spec.rag.index.persistence.storageClass },
    { field: 'spec.redis.storage.storageClass', name: spec.redis.storage.storageClass },
    { field: 'spec.postgres.storage.storageClass', name: spec.postgres.storage.storageClass },
  ];
  return fields.filter((f): f is { field: string; name: string } => typeof f.name === 'string');
}

function unknownStorageClasses(spec: ResolvedSpec, facts: PreflightFacts): Problem[] {
  const known = facts.storageClasses;
  if (!known) return [];
  const unknown = requestedStorageClasses(spec).filter((f) => !known.has(f.name));
  if (unknown.length === 0) return [];
  const list = unknown.map((u) => `${u.field}=${JSON.stringify(u.name)}`).join(', ');
  const available = [...known].sort().join(', ') || 'none';
  return [
    {
      type: 'Degraded',
      reason: 'StorageClassNotFound',
      message: `Unknown StorageClass in ${list}; available: ${available}.`,
      terminal: true,
    },
  ];
}

/** Keys the platform reads from its Secret, by what runs. */
export function requiredSecretKeys(spec: ResolvedSpec): string[] {
  const keys = ['s2s-primary.pem', 'session-key', 'users-db-key', 'rag-db-key', 'email-db-key'];
  if (spec.postgres.mode === 'managed') keys.push('postgres-password');
  if (spec.redis.mode === 'managed') keys.push('redis-password', 'redis.conf');
  return keys;
}

function missingKeys(spec: ResolvedSpec, facts: PreflightFacts): Problem[] {
  const name = spec.secrets.externalSecretName;
  const keys = name ? facts.secretKeys?.get(name) : undefined;
  if (spec.secrets.mode !== 'external' || !name || !keys) return [];
  const missing = requiredSecretKeys(spec).filter((k) => !keys.has(k));
  if (missing.length === 0) return [];
  return [
    {
      type: 'Degraded',
      reason: 'SecretKeysMissing',
      message: `Secret ${JSON.stringify(name)} lacks key ${missing.map((k) => JSON.stringify(k)).join(', ')}; add them (see SECURITY.md for what each holds).`,
      terminal: true,
    },
  ];
}

/** Pure: problems a valid spec can still have in this cluster, each saying what to fix. */
export function preflight(platform: NemoPlatform, facts: PreflightFacts): Problem[] {
  const spec = resolveSpec(platform.spec);
  return [...missingSecrets(platform, spec, facts), ...missingKeys(spec, facts), ...unknownStorageClasses(spec, facts)];
}
