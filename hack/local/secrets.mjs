import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const random = (bytes) => randomBytes(bytes).toString('base64url');
const ed25519 = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });

/**
 * The secrets a cluster would mount, generated for this run only into a
 * private temp dir (0700, files 0600) and removed at the end. Store URLs go
 * in files too, so they never appear in a process listing.
 */
export async function writeSecrets({ postgresUrl, redisUrl }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'nemo-secrets-'));
  const adminPassword = random(18);
  const files = {
    's2s-primary.pem': ed25519(),
    's2s-previous.pem': ed25519(),
    'session-key': random(32),
    'users-db-key': random(32),
    'rag-db-key': random(32),
    'email-db-key': random(32),
    'admin-password': adminPassword,
    'postgres-url': postgresUrl,
    'redis-url': redisUrl,
  };
  for (const [name, value] of Object.entries(files)) {
    await writeFile(path.join(dir, name), value, { mode: 0o600 });
  }
  return { dir, adminPassword, remove: () => rm(dir, { recursive: true, force: true }) };
}
