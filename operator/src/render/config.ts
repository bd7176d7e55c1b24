import type { NemoPlatform } from '../api/types.js';
import { activeCalls, GPU_COMPONENTS, PROFILES, type Component } from './components.js';
import { childMeta, childName } from './metadata.js';
import { PLATFORM_STATUS_FILE } from './platform-status.js';
import type { KubeObject } from './kube-object.js';
import type { ResolvedSpec } from './spec-defaults.js';

export const SECRETS_DIR = '/run/secrets';
export const MODELS_DIR = '/models';
/** Where rag keeps its index snapshot and write-ahead log: the persistence volume. */
export const RAG_DATA_DIR = '/data';

/** Where a component finds Redis and Postgres; passwords stay in secret files. */
function datastoreSettings(platform: NemoPlatform, spec: ResolvedSpec, component: Component): Record<string, string> {
  const profile = PROFILES[component];
  const out: Record<string, string> = {};
  if (profile.usesRedis && spec.redis.mode === 'managed') {
    out['NEMO_REDIS_HOST'] = childName(platform, 'redis');
    out['NEMO_REDIS_PORT'] = '6379';
  }
  if (profile.usesPostgres && spec.postgres.mode === 'managed') {
    out['NEMO_POSTGRES_HOST'] = childName(platform, 'postgres');
    out['NEMO_POSTGRES_PORT'] = '5432';
    out['NEMO_POSTGRES_USER'] = 'nemo';
    out['NEMO_POSTGRES_DB'] = 'nemo';
  }
  return out;
}

/** Settings only one component reads. */
const COMPONENT_SETTINGS: Readonly<Record<Component, (spec: ResolvedSpec) => Record<string, string>>> = {
  gateway: (spec) => ({
    NEMO_RATE_LIMIT_RPM: String(spec.gateway.rateLimit.requestsPerMinute),
    NEMO_RATE_LIMIT_BURST: String(spec.gateway.rateLimit.burst),
    NEMO_RATE_LIMIT_FAIL_MODE: spec.gateway.rateLimit.failMode,
    NEMO_CORS_ORIGINS: (spec.gateway.cors.allowedOrigins ?? []).join(','),
    NEMO_ACCESS_TOKEN_TTL: spec.gateway.auth.accessTokenTTL,
    NEMO_REFRESH_TOKEN_TTL: spec.gateway.auth.refreshTokenTTL,
    // Behind an ingress the client address is the first X-Forwarded-For hop.
    NEMO_TRUST_PROXY_HOPS: spec.gateway.ingress.enabled ? '1' : '0',
    NEMO_PLATFORM_STATUS_FILE: PLATFORM_STATUS_FILE,
  }),
  llm: (spec) => ({
    NEMO_MODEL: spec.llm.model.name,
    NEMO_RAG_ENABLED: String(spec.llm.rag.enabled && spec.rag.enabled),
    NEMO_RAG_TOP_K: String(spec.llm.rag.topK),
    NEMO_GPU_SHARING: spec.llm.gpu.sharing,
  }),
  transcription: (spec) => ({
    NEMO_MODEL: spec.transcription.model.name,
    NEMO_DIARIZATION: String(spec.transcription.diarization.enabled),
    NEMO_MAX_SPEAKERS: String(spec.transcription.diarization.maxSpeakers),
    NEMO_EMOTION: String(spec.transcription.emotion && spec.emotion.enabled),
    NEMO_RAG_INDEXING: String(spec.transcription.ragIndexing && spec.rag.enabled),
    NEMO_GPU_SHARING: spec.transcription.gpu.sharing,
  }),
  rag: (spec) => ({
    NEMO_EMBEDDING_MODEL: spec.rag.embeddingModel,
    NEMO_INDEX_TYPE: spec.rag.index.type,
    NEMO_DATA_DIR: RAG_DATA_DIR,
  }),
  emotion: () => ({}),
  insights: (spec) => ({ NEMO_RETENTION_DAYS: String(spec.insights.retentionDays) }),
  coordinator: (spec) => coordinatorSettings(spec),
};

/** GPUs the LLM and ASR workloads hold in all: the coordinator's slots to hand out. */
export function gpuSlots(spec: ResolvedSpec): number {
  return GPU_COMPONENTS.filter((c) => spec[c].enabled).reduce((n, c) => n + spec[c].gpu.count * spec[c].replicas, 0);
}

function coordinatorSettings(spec: ResolvedSpec): Record<string, string> {
  const { priorities, maxQueue, leaseSeconds } = spec.coordinator;
  return {
    // At least one slot, so CPU-only platforms still serialise their model work.
    NEMO_GPU_SLOTS: String(Math.max(1, gpuSlots(spec))),
    NEMO_PRIORITY_REALTIME: String(priorities.realtime),
    NEMO_PRIORITY_INTERACTIVE: String(priorities.interactive),
    NEMO_PRIORITY_BATCH: String(priorities.batch),
    NEMO_MAX_QUEUE: String(maxQueue),
    NEMO_LEASE_SECONDS: String(leaseSeconds),
  };
}

/** URLs of the services this component calls, as NEMO_<NAME>_URL. */
function peerSettings(platform: NemoPlatform, spec: ResolvedSpec, component: Component): Record<string, string> {
  return Object.fromEntries(
    activeCalls(spec, component).map((peer) => [
      `NEMO_${peer.toUpperCase()}_URL`,
      `http://${childName(platform, peer)}:${PROFILES[peer].port}`,
    ]),
  );
}

export function configData(platform: NemoPlatform, spec: ResolvedSpec, component: Component): Record<string, string> {
  const data: Record<string, string> = {
    NEMO_SERVICE_NAME: component,
    NEMO_HOST: '0.0.0.0',
    NEMO_PORT: String(PROFILES[component].port),
    NEMO_SECRETS_DIR: SECRETS_DIR,
    NEMO_PLATFORM: platform.metadata.name,
    ...datastoreSettings(platform, spec, component),
    ...peerSettings(platform, spec, component),
    ...COMPONENT_SETTINGS[component](spec),
  };
  if (PROFILES[component].usesModels) data['NEMO_MODELS_DIR'] = MODELS_DIR;
  if (spec.observability.otlpEndpoint) data['NEMO_OTLP_ENDPOINT'] = spec.observability.otlpEndpoint;
  return data;
}

export function configMap(platform: NemoPlatform, spec: ResolvedSpec, component: Component): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(platform, childName(platform, component), component),
    data: configData(platform, spec, component),
  };
}
