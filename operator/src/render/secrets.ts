import type { V1VolumeProjection } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import { childName } from './metadata.js';
import type { ResolvedSpec } from './spec-defaults.js';

/** Keys of the generated platform Secret (mode generated). */
export const GENERATED_SECRET_KEYS = [
  's2s-primary.pem',
  's2s-previous.pem',
  'session-key',
  'users-db-key',
  'rag-db-key',
  'email-db-key',
  'postgres-password',
  'redis-password',
  'redis.conf',
] as const;

export function generatedSecretName(platform: NemoPlatform): string {
  return childName(platform, 'secrets');
}

/** The Secrets whose keys become files under /run/secrets, by mode. */
export function platformSecretNames(platform: NemoPlatform, spec: ResolvedSpec): string[] {
  switch (spec.secrets.mode) {
    case 'external':
      return spec.secrets.externalSecretName ? [spec.secrets.externalSecretName] : [];
    case 'sealed':
      return [...(spec.secrets.sealedSecrets ?? [])];
    default:
      return [generatedSecretName(platform)];
  }
}

/** Secrets referenced for external datastores: their `url` key becomes <store>-url. */
export function datastoreSecretNames(spec: ResolvedSpec): string[] {
  return (['redis', 'postgres'] as const)
    .filter((s) => spec[s].mode === 'external')
    .map((s) => spec[s].external?.secretRef?.name)
    .filter((n): n is string => typeof n === 'string');
}

/** Projected sources for the /run/secrets volume of a component. */
export function secretProjections(
  platform: NemoPlatform,
  spec: ResolvedSpec,
  uses: { redis: boolean; postgres: boolean },
): V1VolumeProjection[] {
  const sources: V1VolumeProjection[] = platformSecretNames(platform, spec).map((name) => ({ secret: { name } }));
  for (const store of ['redis', 'postgres'] as const) {
    const ref = spec[store].external?.secretRef?.name;
    if (uses[store] && spec[store].mode === 'external' && ref) {
      sources.push({ secret: { name: ref, items: [{ key: 'url', path: `${store}-url` }] } });
    }
  }
  return sources;
}
