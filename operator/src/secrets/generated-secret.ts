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

/**
 * Creates the platform's generated Secret once. An existing Secret is never
 * overwritten (a concurrent creator wins, AlreadyExists counts as success),
 * and no value is ever logged or returned: only a hash of the data.
 */
export async function ensureGeneratedSecret(
  core: CoreV1Api,
  platform: NemoPlatform,
): Promise<{ name: string; hash: string }> {
  const name = generatedSecretName(platform);
  const namespace = platform.metadata.namespace;
  try {
    const existing = await core.readNamespacedSecret({ name, namespace });
    return { name, hash: secretDataHash([existing]) };
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const body: V1Secret = {
    metadata: {
      name,
      namespace,
      labels: commonLabels(platform, 'secrets'),
      annotations: { [RETAIN_ANNOTATION]: 'true' },
      ownerReferences: [ownerReference(platform)],
    },
    type: 'Opaque',
    stringData: generateSecretData(),
  };
  try {
    await core.createNamespacedSecret({ namespace, body });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
  const created = await core.readNamespacedSecret({ name, namespace });
  return { name, hash: secretDataHash([created]) };
}
