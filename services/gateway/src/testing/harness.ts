import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  createLogger,
  createPgPool,
  createRedis,
  keyFromPem,
  S2SSigner,
  S2SVerifier,
  type LoggerSettings,
  type S2SKey,
} from '@nemo/common';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { build, createServices, type GatewayDeps, type GatewaySettings } from '../app.js';
import type { LoginThrottleSettings } from '../auth/login-throttle.js';
import { signingKeyRing, type SigningKeyRing } from '../auth/signing-keys.js';
import type { PeerService } from '../config.js';
import { migrate } from '../migrate.js';
import type { GatewayServices } from '../services.js';

export interface HarnessOptions {
  postgresUrl: string;
  redisUrl: string;
  peers?: Partial<Record<PeerService, string>>;
  settings?: Partial<GatewaySettings>;
  loginThrottle?: LoginThrottleSettings;
  now?: () => number;
  /** Reuse a key, so peers started earlier accept this gateway's tokens. */
  s2sKey?: S2SKey;
  /** Where log lines go, at info; without it the gateway logs nothing. */
  logTo?: LoggerSettings['destination'];
}

export interface Account {
  id: string;
  username: string;
  password: string;
}

/** A whole gateway on the run's real PostgreSQL and Redis, with fresh keys and its own client address. */
export interface Harness {
  app: FastifyInstance;
  svc: GatewayServices;
  pool: pg.Pool;
  redis: Redis;
  s2sKey: S2SKey;
  signingKeys: SigningKeyRing;
  /** Every request from this harness comes from this address, so rate limits do not cross test files. */
  ip: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  createUser(role?: 'admin' | 'user', tenant?: string): Promise<Account>;
  login(account: Account): Promise<{ accessToken: string; refreshToken: string }>;
  /** A verifier as a peer service would hold one. */
  verifierFor(audience: PeerService): S2SVerifier;
  close(): Promise<void>;
}

export const testSettings = (overrides: Partial<GatewaySettings> = {}): GatewaySettings => ({
  accessTokenTtlMs: 15 * 60_000,
  refreshTokenTtlMs: 24 * 3_600_000,
  rateLimit: { principal: { perMinute: 6000, burst: 1000 }, ip: { perMinute: 6000, burst: 1000 }, failMode: 'closed' },
  budgets: { 'chat-tokens': 0, 'audio-seconds': 0 },
  corsOrigins: ['https://ui.example.com'],
  trustProxyHops: 0,
  timeouts: { defaultMs: 1_000, generationMs: 2_000 },
  peers: {},
  webRoot: undefined,
  ...overrides,
});

export const randomIp = (): string => `10.${[0, 0, 0].map(() => randomBytes(1)[0] ?? 1).join('.')}`;

export async function newS2SKey(): Promise<S2SKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test');
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const pool = createPgPool(options.postgresUrl);
  const redis = createRedis(options.redisUrl);
  redis.on('error', () => undefined);
  await migrate(pool);
  const s2sKey = options.s2sKey ?? (await newS2SKey());
  const deps: GatewayDeps = {
    settings: testSettings({ peers: options.peers ?? {}, ...options.settings }),
    logger: options.logTo
      ? createLogger({ service: 'gateway', level: 'info', destination: options.logTo })
      : createLogger({ service: 'gateway', level: 'silent' }),
    pool,
    redis,
    s2s: new S2SSigner({ issuer: 'gateway', key: s2sKey }),
    signingKeys: await signingKeyRing(randomBytes(32).toString('base64url'), undefined),
    usersDbKey: randomBytes(32).toString('base64url'),
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const svc = createServices(deps);
  const app = await build(deps, svc);
  await app.ready();
  const ip = randomIp();
  const request = (opts: InjectOptions) => app.inject({ remoteAddress: ip, ...opts });
  return {
    app,
    svc,
    pool,
    redis,
    s2sKey,
    signingKeys: deps.signingKeys,
    ip,
    request,
    async createUser(role = 'user', tenant = 'default') {
      const username = `u-${randomUUID().slice(0, 12)}`;
      const password = `pw-${randomBytes(12).toString('base64url')}`;
      const user = await svc.users.create({ username, password, role, tenant });
      return { id: user.id, username, password };
    },
    async login(account) {
      const res = await request({
        method: 'POST',
        url: '/auth/login',
        payload: { username: account.username, password: account.password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return res.json<{ accessToken: string; refreshToken: string }>();
    },
    verifierFor: (audience) =>
      new S2SVerifier({ audience, keys: { primary: s2sKey, previous: undefined }, issuers: ['gateway'] }),
    async close() {
      await app.close();
      await pool.end();
      redis.disconnect();
    },
  };
}
