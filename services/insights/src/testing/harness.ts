import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createLogger, createPgPool, keyFromPem, S2SSigner, S2SVerifier, type S2SKey } from '@nemo/common';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { build } from '../app.js';
import { migrate } from '../migrate.js';

/** Test-only wiring: a throwaway S2S key pair, and a database of its own per test file on the real server. */
const { privateKey } = generateKeyPairSync('ed25519');
const testKey = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
const verifierFor = (key: S2SKey) =>
  new S2SVerifier({ audience: 'insights', keys: { primary: key, previous: undefined } });
export const verifier = verifierFor(testKey);
export const BUDGETS = { chatTokensPerDay: 1_000, audioSecondsPerDay: 600 };

export interface User {
  subject: string;
  tenant: string;
  role: 'admin' | 'user';
}

export interface InsightsOptions {
  /** The S2S key every token is signed with; give the one a sender under test signs with. */
  key?: S2SKey;
  /** Listen on a loopback port, for senders that call over HTTP (see `url`). */
  listen?: boolean;
}

export interface Insights {
  app: FastifyInstance;
  pool: pg.Pool;
  /** Where it listens, when started with `listen`. */
  url: string | undefined;
  /** A call from a platform service (no forwarded user), as producers make. */
  asService(method: 'GET' | 'POST', url: string, payload?: object): Promise<LightMyRequestResponse>;
  /** A call the gateway forwards for a signed-in user: a GET, or a POST when there is a payload. */
  asUser(user: User, url: string, payload?: object): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startInsights(postgresUrl: string, options: InsightsOptions = {}): Promise<Insights> {
  const key = options.key ?? testKey;
  const gatewaySigner = new S2SSigner({ issuer: 'gateway', key });
  const ragSigner = new S2SSigner({ issuer: 'rag', key });
  const db = await freshDatabase(postgresUrl);
  const pool = createPgPool(db.url);
  await migrate(pool);
  const app = build({
    pool,
    logger: createLogger({ service: 'insights', level: 'silent' }),
    s2s: options.key ? verifierFor(key) : verifier,
    budgets: BUDGETS,
    retentionDays: 30,
    retentionSweepMs: 0,
  });
  await app.ready();
  const url = options.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : undefined;
  const auth = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });
  return {
    app,
    pool,
    url,
    asService: async (method, url, payload) =>
      app.inject({ method, url, headers: await auth(ragSigner.token('insights')), ...(payload ? { payload } : {}) }),
    asUser: async (user, url, payload) =>
      app.inject({
        method: payload ? 'POST' : 'GET',
        url,
        headers: await auth(gatewaySigner.token('insights', user.subject, user.tenant, user.role)),
        ...(payload ? { payload } : {}),
      }),
    close: async () => {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** A new, empty database on the test server, so files never see each other's events. */
export async function freshDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `insights_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
