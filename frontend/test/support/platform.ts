import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createLogger, createPgPool, createRedis, keyFromPem, S2SSigner, S2SVerifier, type S2SKey } from '@nemo/common';
import {
  build as buildGateway,
  createServices,
  migrate as migrateGateway,
  signingKeyRing,
  type GatewaySettings,
} from '@nemo/gateway';
import { build as buildInsights, migrate as migrateInsights } from '@nemo/insights';
import pg from 'pg';
import { startTestLlmUpstream } from './test-llm-upstream.js';

export const WEB_ROOT = fileURLToPath(new URL('../../dist/', import.meta.url));

export interface Account {
  username: string;
  password: string;
}

/**
 * The platform the browser talks to: the real gateway serving the built UI,
 * the real insights service behind /api/insights/, both on a fresh database
 * of the run's real PostgreSQL and on its real Redis, and the test LLM
 * upstream (see its file) behind /v1/chat/completions.
 */
export interface Platform {
  url: string;
  insightsUrl: string;
  signer: S2SSigner;
  createUser(role: 'admin' | 'user', tenant: string): Promise<Account>;
  close(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: 'silent' });

async function newKey(): Promise<S2SKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'browser test key');
}

function settings(peers: GatewaySettings['peers']): GatewaySettings {
  return {
    accessTokenTtlMs: 15 * 60_000,
    refreshTokenTtlMs: 3_600_000,
    rateLimit: {
      principal: { perMinute: 6000, burst: 1000 },
      ip: { perMinute: 6000, burst: 1000 },
      failMode: 'closed',
    },
    budgets: { 'chat-tokens': 0, 'audio-seconds': 0 },
    corsOrigins: [],
    trustProxyHops: 0,
    timeouts: { defaultMs: 5_000, generationMs: 30_000 },
    peers,
    webRoot: WEB_ROOT,
  };
}

export async function startPlatform(serverUrl: string, redisUrl: string): Promise<Platform> {
  const db = await freshDatabase(serverUrl);
  const pool = createPgPool(db.url);
  const redis = createRedis(redisUrl);
  redis.on('error', () => undefined);
  await Promise.all([migrateGateway(pool), migrateInsights(pool)]);
  const key = await newKey();
  const keys = { primary: key, previous: undefined };
  const insights = buildInsights({
    pool,
    logger: silent('insights'),
    s2s: new S2SVerifier({ audience: 'insights', keys }),
    budgets: { chatTokensPerDay: 5_000, audioSecondsPerDay: 3_600 },
    retentionDays: 90,
    retentionSweepMs: 0,
  });
  const insightsUrl = await insights.listen({ host: '127.0.0.1', port: 0 });
  const signer = new S2SSigner({ issuer: 'llm', key });
  const llm = await startTestLlmUpstream({
    verifier: new S2SVerifier({ audience: 'llm', keys }),
    signer,
    insightsUrl,
    tokenDelayMs: 120,
  });
  const deps = {
    settings: settings({ insights: insightsUrl, llm: llm.url }),
    logger: silent('gateway'),
    pool,
    redis,
    s2s: new S2SSigner({ issuer: 'gateway', key }),
    signingKeys: await signingKeyRing(randomBytes(32).toString('base64url'), undefined),
    usersDbKey: randomBytes(32).toString('base64url'),
  };
  const svc = createServices(deps);
  const gateway = await buildGateway(deps, svc);
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    insightsUrl,
    signer,
    async createUser(role, tenant) {
      const account = {
        username: `${role}-${randomBytes(4).toString('hex')}`,
        password: `pw-${randomBytes(12).toString('base64url')}`,
      };
      await svc.users.create({ ...account, role, tenant });
      return account;
    },
    async close() {
      await gateway.close();
      await llm.close();
      await insights.close();
      await pool.end();
      redis.disconnect();
      await db.drop();
    },
  };
}

async function freshDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `browser_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
