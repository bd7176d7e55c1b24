import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import { contentHash } from '../render/hash.js';
import { commonLabels, ownerReference } from '../render/metadata.js';
import { generatedSecretName, type GENERATED_SECRET_KEYS } from '../render/secrets.js';
import { RETAIN_ANNOTATION } from '../plan.js';

type GeneratedKey = (typeof GENERATED_SECRET_KEYS)[number];

function ed25519Pem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Fresh values from the CSPRNG. Called once per platform; values are never regenerated. */
export function generateSecretData(): Record<GeneratedKey, string> {
  const redisPassword = random(24);
  return {
    's2s-primary.pem': ed25519Pem(),
    's2s-previous.pem': ed25519Pem(),
    'session-key': random(32),
    'users-db-key': random(32),
    'rag-db-key': random(32),
    'email-db-key': random(32),
    'postgres-password': random(24),
    'redis-password': redisPassword,
    'redis.conf': `requirepass ${redisPassword}\ndir /data\nappendonly yes\n`,
  };
}

/** Hash of Secret data, for the pod template annotation that rolls pods on change. */
export function secretDataHash(secrets: readonly Pick<V1Secret, 'data'>[]): string {
  return contentHash(secrets.map((s) => s.data ?? {}));
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

function isConflict(err: unknown): boolean {
  return (err as { code?: number }).code === 409;
}

/** Annotation on the generated Secret: the spec.secrets.rotation token it was last rotated for. */
export const ROTATION_ANNOTATION = 'nemo.dev/rotation';

/**
 * Pure: the Secret data after a rotation. The primary S2S key becomes the
 * previous one (tokens it signed keep verifying until the next rotation) and a
 * new primary takes its place; every other value stays.
 */
export function rotatedData(data: Readonly<Record<string, string>>, newPrimaryPem: string): Record<string, string> {
  const primary = data['s2s-primary.pem'];
  return {
    ...data,
    ...(primary ? { 's2s-previous.pem': primary } : {}),
    's2s-primary.pem': Buffer.from(newPrimaryPem).toString('base64'),
  };
}

function rotationToken(platform: NemoPlatform): string {
  return platform.spec.secrets?.rotation ?? '';
}

/**
 * Creates the platform's generated Secret once and rotates its S2S key when
 * spec.secrets.rotation changes. Values are never overwritten otherwise (a
 * concurrent creator wins, AlreadyExists counts as success), and no value is
 * logged or returned: only a hash of the data.
 */
export async function ensureGeneratedSecret(
  core: CoreV1Api,
  platform: NemoPlatform,
): Promise<{ name: string; hash: string; rotated: boolean }> {
  const name = generatedSecretName(platform);
  const namespace = platform.metadata.namespace;
  const existing = await core.readNamespacedSecret({ name, namespace }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (!existing) {
    await createSecret(core, platform);
    const created = await core.readNamespacedSecret({ name, namespace });
    return { name, hash: secretDataHash([created]), rotated: false };
  }
  if ((existing.metadata?.annotations?.[ROTATION_ANNOTATION] ?? '') === rotationToken(platform)) {
    return { name, hash: secretDataHash([existing]), rotated: false };
  }
  // resourceVersion makes this a compare-and-swap: a concurrent rotation fails with 409 and requeues.
  const body: V1Secret = {
    ...existing,
    metadata: {
      ...existing.metadata,
      annotations: { ...existing.metadata?.annotations, [ROTATION_ANNOTATION]: rotationToken(platform) },
    },
    data: rotatedData(existing.data ?? {}, ed25519Pem()),
  };
  const updated = await core.replaceNamespacedSecret({ name, namespace, body });
  return { name, hash: secretDataHash([updated]), rotated: true };
}

async function createSecret(core: CoreV1Api, platform: NemoPlatform): Promise<void> {
  const body: V1Secret = {
    metadata: {
      name: generatedSecretName(platform),
      namespace: platform.metadata.namespace,
      labels: commonLabels(platform, 'secrets'),
      annotations: { [RETAIN_ANNOTATION]: 'true', [ROTATION_ANNOTATION]: rotationToken(platform) },
      ownerReferences: [ownerReference(platform)],
    },
    type: 'Opaque',
    stringData: generateSecretData(),
  };
  try {
    await core.createNamespacedSecret({ namespace: platform.metadata.namespace, body });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}
