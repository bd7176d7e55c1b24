import { createServiceApp, pgCheck, redisCheck, type Logger, type S2SSigner } from '@nemo/common';
import { LogController, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { AccessTokens } from './auth/access-tokens.js';
import { ApiKeyCache } from './auth/api-key-cache.js';
import { authenticatePlugin } from './auth/authenticate.js';
import { FieldCipher } from './auth/field-cipher.js';
import { LoginThrottle, type LoginThrottleSettings } from './auth/login-throttle.js';
import { Revocations } from './auth/revocations.js';
import { Sessions } from './auth/sessions.js';
import type { SigningKeyRing } from './auth/signing-keys.js';
import type { GatewayConfig, PeerService } from './config.js';
import { accessLogPlugin } from './http/access-log.js';
import { corsPlugin } from './http/cors.js';
import { securityHeaders } from './http/security-headers.js';
import { Upstreams } from './proxy/upstreams.js';
import { webSocketUpgradeHandler } from './proxy/websocket.js';
import { Gate, type BucketRule, type GateRules } from './rate-limit/gate.js';
import { admissionCounter, admit, rateLimitPlugin, type AdmissionOptions, type FailMode } from './rate-limit/plugin.js';
import { adminPlatformRoutes } from './routes/admin-platform.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { authRoutes } from './routes/auth.js';
import { docsRoutes } from './routes/docs.js';
import { openAiRoutes } from './routes/openai.js';
import { serviceProxyRoutes } from './routes/service-proxy.js';
import { webUiRoutes } from './routes/web-ui.js';
import type { GatewayServices } from './services.js';
import { ApiKeyStore } from './store/api-keys.js';
import { RefreshTokenStore } from './store/refresh-tokens.js';
import { UserStore } from './store/users.js';

export interface GatewaySettings {
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  rateLimit: { principal: BucketRule; ip: BucketRule; failMode: FailMode };
  budgets: GateRules['budgets'];
  corsOrigins: readonly string[];
  trustProxyHops: number;
  timeouts: GatewayServices['timeouts'];
  peers: Partial<Record<PeerService, string>>;
  /** The web UI's static build; not served when it has no index.html. */
  webRoot: string | undefined;
  /** See NEMO_PLATFORM_STATUS_FILE; absent in local mode. */
  platformStatusFile?: string | undefined;
}

export interface GatewayDeps {
  settings: GatewaySettings;
  logger: Logger;
  pool: pg.Pool;
  redis: Redis;
  /** Signs calls to the internal services. */
  s2s: S2SSigner;
  /** Signs and checks users' access tokens. */
  signingKeys: SigningKeyRing;
  /** The users-db-key secret: seals personal fields. */
  usersDbKey: string;
  loginThrottle?: LoginThrottleSettings;
  now?: () => number;
}

export function settingsFrom(
  config: GatewayConfig,
  peers: GatewaySettings['peers'],
  webRoot: string | undefined,
): GatewaySettings {
  const rpm = config.NEMO_RATE_LIMIT_RPM;
  const burst = config.NEMO_RATE_LIMIT_BURST;
  const ipRpm = config.NEMO_RATE_LIMIT_IP_RPM ?? rpm * 3;
  return {
    accessTokenTtlMs: config.NEMO_ACCESS_TOKEN_TTL,
    refreshTokenTtlMs: config.NEMO_REFRESH_TOKEN_TTL,
    rateLimit: {
      principal: { perMinute: rpm, burst },
      ip: { perMinute: ipRpm, burst: Math.max(burst, Math.ceil((burst * ipRpm) / rpm)) },
      failMode: config.NEMO_RATE_LIMIT_FAIL_MODE,
    },
    budgets: {
      'chat-tokens': config.NEMO_TENANT_CHAT_TOKENS_PER_DAY,
      'audio-seconds': config.NEMO_TENANT_AUDIO_SECONDS_PER_DAY,
    },
    corsOrigins: config.NEMO_CORS_ORIGINS,
    trustProxyHops: config.NEMO_TRUST_PROXY_HOPS,
    timeouts: { defaultMs: config.NEMO_UPSTREAM_TIMEOUT_MS, generationMs: config.NEMO_GENERATION_TIMEOUT_MS },
    peers,
    webRoot,
    platformStatusFile: config.NEMO_PLATFORM_STATUS_FILE,
  };
}

/** The working parts, wired once; build() and the bootstrap at start share them. */
export function createServices(deps: GatewayDeps): GatewayServices {
  const { settings, pool, redis } = deps;
  const now = deps.now ?? Date.now;
  const users = new UserStore(pool, new FieldCipher(deps.usersDbKey));
  const apiKeys = new ApiKeyStore(pool);
  const refreshTokens = new RefreshTokenStore(pool, settings.refreshTokenTtlMs);
  const accessTokens = new AccessTokens({ keys: deps.signingKeys, ttlMs: settings.accessTokenTtlMs, now });
  const gate = new Gate(redis, {
    principal: settings.rateLimit.principal,
    ip: settings.rateLimit.ip,
    budgets: settings.budgets,
  });
  const revocations = new Revocations(redis, pool, settings.accessTokenTtlMs, (revoked) => gate.forget(revoked));
  const throttle = new LoginThrottle(redis, deps.loginThrottle);
  return {
    users,
    apiKeys,
    apiKeyCache: new ApiKeyCache(apiKeys, 60_000, now),
    refreshTokens,
    accessTokens,
    sessions: new Sessions({ users, refreshTokens, accessTokens, throttle, revocations, now }),
    revocations,
    upstreams: new Upstreams(settings.peers, deps.s2s),
    gate,
    timeouts: settings.timeouts,
    now,
  };
}

/** The gateway app, ready for `listen` or `inject`. Closing it closes nothing it was given. */
export async function build(deps: GatewayDeps, svc: GatewayServices = createServices(deps)): Promise<FastifyInstance> {
  const { settings } = deps;
  const app = createServiceApp({
    service: 'gateway',
    logger: deps.logger,
    bodyLimit: 64 * 1024,
    checks: { postgres: pgCheck(deps.pool), redis: redisCheck(deps.redis) },
    server: {
      logController: new LogController({ disableRequestLogging: true }),
      trustProxy: (_address, hop) => hop < settings.trustProxyHops,
    },
  });
  await securityHeaders(app);
  // app.metrics exists from here: the awaited register loaded the observability plugin.
  const admission: AdmissionOptions = {
    gate: svc.gate,
    revocations: svc.revocations,
    failMode: settings.rateLimit.failMode,
    now: svc.now,
    record: admissionCounter(app.metrics),
  };
  await app.register(corsPlugin, { origins: settings.corsOrigins });
  await app.register(authenticatePlugin, { tokens: svc.accessTokens, apiKeys: svc.apiKeyCache });
  await app.register(rateLimitPlugin, admission);
  await app.register(accessLogPlugin);
  await docsRoutes(app);
  authRoutes(app, svc);
  apiKeyRoutes(app, svc);
  adminUserRoutes(app, svc);
  adminPlatformRoutes(app, svc, settings.platformStatusFile);
  await openAiRoutes(app, svc);
  await serviceProxyRoutes(app, svc);
  if (settings.webRoot) await webUiRoutes(app, settings.webRoot);
  app.server.on(
    'upgrade',
    webSocketUpgradeHandler({
      upstreams: svc.upstreams,
      tokens: svc.accessTokens,
      logger: deps.logger,
      admit: async (ip, principal) => void (await admit(admission, { ip, principal }, deps.logger)),
    }),
  );
  app.addHook('onClose', async () => svc.upstreams.close());
  return app;
}
