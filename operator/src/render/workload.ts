import type { V1Container, V1PodSpec, V1Toleration, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import { GPU_COMPONENTS, PROFILES, type Component, type GpuComponent } from './components.js';
import { configData, MODELS_DIR, RAG_DATA_DIR, SECRETS_DIR } from './config.js';
import { gpuAffinity, gpuSpread, gpuTolerations, GPU_RESOURCE } from './gpu.js';
import { contentHash } from './hash.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName, commonLabels, selectorLabels } from './metadata.js';
import { CONFIG_HASH_ANNOTATION, PLATFORM_LABEL } from './owned-kinds.js';
import { PLATFORM_STATUS_MOUNT, platformStatusVolume } from './platform-status.js';
import { secretProjections } from './secrets.js';
import { RESTRICTED_CONTAINER, restrictedPodSecurity, SECRET_FILE_MODE } from './security.js';
import type { ResolvedSpec } from './spec-defaults.js';

const APP_UID = 10001;

export interface WorkloadFacts {
  /** Hash of the platform Secret's data: a change rolls the pods. */
  secretHash: string | undefined;
}

function isGpuComponent(c: Component): c is GpuComponent {
  return (GPU_COMPONENTS as readonly string[]).includes(c);
}

function image(spec: ResolvedSpec, name: string): string {
  return `${spec.images.registry}/${name}:${spec.images.tag}`;
}

function volumes(platform: NemoPlatform, spec: ResolvedSpec, component: Component): V1Volume[] {
  const profile = PROFILES[component];
  const list: V1Volume[] = [
    { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    {
      name: 'secrets',
      projected: {
        defaultMode: SECRET_FILE_MODE,
        sources: secretProjections(platform, spec, { redis: profile.usesRedis, postgres: profile.usesPostgres }),
      },
    },
  ];
  if (profile.usesModels) {
    list.push({
      name: 'models',
      persistentVolumeClaim: { claimName: childName(platform, 'model-cache'), readOnly: true },
    });
  }
  if (component === 'rag') {
    list.push({ name: 'data', persistentVolumeClaim: { claimName: childName(platform, 'rag-index') } });
  }
  if (component === 'gateway') list.push(platformStatusVolume(platform));
  return list;
}

function mounts(component: Component): V1VolumeMount[] {
  const list: V1VolumeMount[] = [
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
  ];
  if (PROFILES[component].usesModels) list.push({ name: 'models', mountPath: MODELS_DIR, readOnly: true });
  if (component === 'rag') list.push({ name: 'data', mountPath: RAG_DATA_DIR });
  if (component === 'gateway') list.push(PLATFORM_STATUS_MOUNT);
  return list;
}

function container(platform: NemoPlatform, spec: ResolvedSpec, component: Component): V1Container {
  const profile = PROFILES[component];
  const user = spec[component].resources;
  const gpus = isGpuComponent(component) ? spec[component].gpu.count : 0;
  const gpuQuantity: Record<string, string> = gpus > 0 ? { [GPU_RESOURCE]: String(gpus) } : {};
  return {
    name: component,
    image: image(spec, component),
    imagePullPolicy: spec.images.pullPolicy,
    ports: [{ name: 'http', containerPort: profile.port, protocol: 'TCP' }],
    envFrom: [{ configMapRef: { name: childName(platform, component) } }],
    resources: {
      requests: { ...profile.requests, ...quantities(user.requests), ...gpuQuantity },
      limits: { ...profile.limits, ...quantities(user.limits), ...gpuQuantity },
    },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
    startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: mounts(component),
  };
}

/** User quantities may be numbers (int-or-string); the API stores strings. */
function quantities(map: Record<string, string | number> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, String(v)]));
}

function placement(platform: NemoPlatform, spec: ResolvedSpec, component: Component): Partial<V1PodSpec> {
  const user = spec[component];
  const gpu = isGpuComponent(component) ? spec[component].gpu : undefined;
  const tolerations: V1Toleration[] = [...(gpu ? gpuTolerations(gpu) : []), ...(user.tolerations ?? [])];
  const affinity = gpu ? gpuAffinity(gpu, { [PLATFORM_LABEL]: platform.metadata.name }) : undefined;
  const spread = gpu ? gpuSpread(gpu, selectorLabels(platform, component)) : [];
  return {
    ...(user.nodeSelector ? { nodeSelector: user.nodeSelector } : {}),
    ...(tolerations.length ? { tolerations } : {}),
    ...(affinity ? { affinity } : {}),
    ...(spread.length ? { topologySpreadConstraints: spread } : {}),
  };
}

/** A GPU can't be borrowed for a surge pod: roll GPU workloads one pod at a time instead. */
function strategy(spec: ResolvedSpec, component: Component) {
  // The index volume is ReadWriteOnce: the old pod must let go before the new one mounts it.
  if (component === 'rag') return { type: 'Recreate' };
  const gpus = isGpuComponent(component) ? spec[component].gpu.count : 0;
  return gpus > 0
    ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
    : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

export function deployment(
  platform: NemoPlatform,
  spec: ResolvedSpec,
  component: Component,
  facts: WorkloadFacts,
): KubeObject {
  const name = childName(platform, component);
  const configHash = contentHash({ config: configData(platform, spec, component), secret: facts.secretHash ?? '' });
  const pullSecrets = (spec.images.pullSecrets ?? []).map((n) => ({ name: n }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(platform, name, component),
    spec: {
      replicas: spec[component].replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(platform, component) },
      strategy: strategy(spec, component),
      template: {
        metadata: { labels: commonLabels(platform, component), annotations: { [CONFIG_HASH_ANNOTATION]: configHash } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(APP_UID),
          ...(pullSecrets.length ? { imagePullSecrets: pullSecrets } : {}),
          ...placement(platform, spec, component),
          containers: [container(platform, spec, component)],
          volumes: volumes(platform, spec, component),
        },
      },
    },
  };
}

export function serviceAccount(platform: NemoPlatform, component: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMeta(platform, childName(platform, component), component),
    automountServiceAccountToken: false,
  };
}
