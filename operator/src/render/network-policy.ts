import type { V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import { activeCalls, enabledComponents, PROFILES, type Component } from './components.js';
import { DATASTORE_PORTS, type Datastore } from './datastores.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName, selectorLabels } from './metadata.js';
import { PLATFORM_LABEL } from './owned-kinds.js';
import type { ResolvedSpec } from './spec-defaults.js';

type Workload = Component | Datastore;

/** One allowed connection: from a workload (or outside source) to a workload (or outside target). */
export interface TrafficRule {
  from: Workload | 'ingress' | 'prometheus';
  to: Workload | { external: Datastore; cidr: string | undefined; port: number };
  port: number;
}

const NS_NAME = 'kubernetes.io/metadata.name';
const DEFAULT_INGRESS_NS = { [NS_NAME]: 'ingress-nginx' };
const DEFAULT_PROMETHEUS_NS = { [NS_NAME]: 'monitoring' };

function datastoreRules(spec: ResolvedSpec, from: Component): TrafficRule[] {
  const profile = PROFILES[from];
  const stores = (['redis', 'postgres'] as const).filter((s) =>
    s === 'redis' ? profile.usesRedis : profile.usesPostgres,
  );
  return stores.map((store) => {
    const port = DATASTORE_PORTS[store];
    if (spec[store].mode === 'managed') return { from, to: store, port };
    const ext = spec[store].external;
    return { from, to: { external: store, cidr: ext?.cidr, port: ext?.port ?? port }, port: ext?.port ?? port };
  });
}

/**
 * The one place that knows who talks to whom, derived from the spec.
 * Disabled components and switched-off features open nothing.
 */
export function trafficRules(spec: ResolvedSpec): TrafficRule[] {
  const components = enabledComponents(spec);
  return [
    { from: 'ingress', to: 'gateway', port: PROFILES.gateway.port },
    ...components.map((c): TrafficRule => ({ from: 'prometheus', to: c, port: PROFILES[c].port })),
    ...components.flatMap((from) =>
      activeCalls(spec, from).map((to): TrafficRule => ({ from, to, port: PROFILES[to].port })),
    ),
    ...components.flatMap((from) => datastoreRules(spec, from)),
  ];
}

const tcp = (port: number): V1NetworkPolicyPort[] => [{ protocol: 'TCP', port }];

function peerOf(platform: NemoPlatform, spec: ResolvedSpec, source: TrafficRule['from']): V1NetworkPolicyPeer {
  const np = spec.networkPolicy;
  if (source === 'prometheus')
    return { namespaceSelector: { matchLabels: np.prometheusNamespaceSelector ?? DEFAULT_PROMETHEUS_NS } };
  if (source === 'ingress') {
    // Without an ingress the gateway's port is open to all; with one, only to the controller's namespace.
    if (!spec.gateway.ingress.enabled) return { ipBlock: { cidr: '0.0.0.0/0' } };
    return { namespaceSelector: { matchLabels: np.ingressNamespaceSelector ?? DEFAULT_INGRESS_NS } };
  }
  return { podSelector: { matchLabels: selectorLabels(platform, source) } };
}

function egressPeer(platform: NemoPlatform, to: TrafficRule['to']): V1NetworkPolicyPeer {
  if (typeof to === 'string') return { podSelector: { matchLabels: selectorLabels(platform, to) } };
  // An external store without a CIDR can only be fenced by port.
  return { ipBlock: { cidr: to.cidr ?? '0.0.0.0/0' } };
}

function workloadPolicy(
  platform: NemoPlatform,
  spec: ResolvedSpec,
  workload: Workload,
  rules: TrafficRule[],
): KubeObject {
  const ingress = rules
    .filter((r) => r.to === workload)
    .map((r) => ({ from: [peerOf(platform, spec, r.from)], ports: tcp(r.port) }));
  const egress = rules
    .filter((r) => r.from === workload)
    .map((r) => ({ to: [egressPeer(platform, r.to)], ports: tcp(r.port) }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMeta(platform, childName(platform, workload), workload),
    spec: {
      podSelector: { matchLabels: selectorLabels(platform, workload) },
      policyTypes: ['Ingress', 'Egress'],
      // The API server drops empty lists; leaving them out keeps plan() from seeing drift.
      ...(ingress.length ? { ingress } : {}),
      ...(egress.length ? { egress } : {}),
    },
  };
}

function platformWidePolicy(platform: NemoPlatform, suffix: string, spec: object): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMeta(platform, childName(platform, suffix), 'network-policy'),
    spec: { podSelector: { matchLabels: { [PLATFORM_LABEL]: platform.metadata.name } }, ...spec },
  };
}

/** Default-deny for every platform pod, DNS for all, then exactly the edges of trafficRules. */
export function networkPolicies(platform: NemoPlatform, spec: ResolvedSpec): KubeObject[] {
  if (!spec.networkPolicy.enabled) return [];
  const rules = trafficRules(spec);
  const workloads: Workload[] = [
    ...enabledComponents(spec),
    ...(['redis', 'postgres'] as const).filter((s) => spec[s].mode === 'managed'),
  ];
  const dns = {
    to: [
      {
        namespaceSelector: { matchLabels: { [NS_NAME]: 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
  return [
    platformWidePolicy(platform, 'default-deny', { policyTypes: ['Ingress', 'Egress'] }),
    platformWidePolicy(platform, 'allow-dns', { policyTypes: ['Egress'], egress: [dns] }),
    ...workloads.map((w) => workloadPolicy(platform, spec, w, rules)),
  ];
}
