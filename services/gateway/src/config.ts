import { baseConfigSchema, datastoreConfigSchema, loadConfig } from '@nemo/common';
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'a duration such as 15m or 720h' });
      return ms ?? 0;
    });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const peerUrl = z.url().optional();

/** Settings the operator renders for the gateway (operator/src/render/config.ts), plus local-mode extras. */
export const gatewayConfigSchema = baseConfigSchema.extend(datastoreConfigSchema.shape).extend({
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('gateway'),
  NEMO_PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  NEMO_RATE_LIMIT_RPM: positiveInt(600),
  NEMO_RATE_LIMIT_BURST: positiveInt(60),
  /** Per client address; unauthenticated traffic (sign-in) only meets this one. */
  NEMO_RATE_LIMIT_IP_RPM: z.coerce.number().int().positive().optional(),
  NEMO_RATE_LIMIT_FAIL_MODE: z.enum(['closed', 'open']).default('closed'),
  NEMO_TENANT_CHAT_TOKENS_PER_DAY: z.coerce.number().int().min(0).default(2_000_000),
  NEMO_TENANT_AUDIO_SECONDS_PER_DAY: z.coerce.number().int().min(0).default(36_000),
  NEMO_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  NEMO_ACCESS_TOKEN_TTL: duration('15m'),
  NEMO_REFRESH_TOKEN_TTL: duration('720h'),
  /** Hops of reverse proxies (the ingress) whose X-Forwarded-For is trusted. */
  NEMO_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  NEMO_WEB_ROOT: z.string().optional(),
  /** In a cluster: the NemoPlatform's status, which the operator mounts from a ConfigMap. */
  NEMO_PLATFORM_STATUS_FILE: z.string().optional(),
  NEMO_LLM_URL: peerUrl,
  NEMO_TRANSCRIPTION_URL: peerUrl,
  NEMO_RAG_URL: peerUrl,
  NEMO_EMOTION_URL: peerUrl,
  NEMO_INSIGHTS_URL: peerUrl,
  NEMO_COORDINATOR_URL: peerUrl,
  NEMO_UPSTREAM_TIMEOUT_MS: positiveInt(30_000),
  /** Generation can take a while before its first byte and between tokens. */
  NEMO_GENERATION_TIMEOUT_MS: positiveInt(300_000),
  /** Local mode hands the stores over as URLs in the environment; secret files win when both exist. */
  NEMO_POSTGRES_URL: z.string().optional(),
  NEMO_REDIS_URL: z.string().optional(),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

export const PEER_SERVICES = ['llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator'] as const;
export type PeerService = (typeof PEER_SERVICES)[number];

/** The configured base URL of each peer service. */
export function peerUrls(config: GatewayConfig): Partial<Record<PeerService, string>> {
  const urls: Partial<Record<PeerService, string>> = {};
  for (const peer of PEER_SERVICES) {
    const url = config[`NEMO_${peer.toUpperCase()}_URL` as keyof GatewayConfig];
    if (typeof url === 'string') urls[peer] = url.replace(/\/+$/, '');
  }
  return urls;
}
