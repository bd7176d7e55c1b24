import type { NemoPlatform } from '../api/types.js';
import { PROFILES, type Component } from './components.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName, selectorLabels } from './metadata.js';
import type { ResolvedSpec } from './spec-defaults.js';

export function service(platform: NemoPlatform, component: Component): KubeObject {
  const port = PROFILES[component].port;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(platform, childName(platform, component), component),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(platform, component),
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function gatewayIngress(platform: NemoPlatform, spec: ResolvedSpec): KubeObject | undefined {
  const ingress = spec.gateway.ingress;
  if (!ingress.enabled) return undefined;
  const backend = { service: { name: childName(platform, 'gateway'), port: { name: 'http' } } };
  const rule = { http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: childMeta(platform, childName(platform, 'gateway'), 'gateway'),
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tls && ingress.host ? { tls: [{ hosts: [ingress.host], secretName: ingress.tls.secretName }] } : {}),
      rules: [ingress.host ? { host: ingress.host, ...rule } : rule],
    },
  };
}

/** Where users reach the gateway: the ingress host when there is one, else the Service. */
export function gatewayEndpoint(platform: NemoPlatform, spec: ResolvedSpec): string {
  const { ingress } = spec.gateway;
  if (ingress.enabled && ingress.host) return `${ingress.tls ? 'https' : 'http'}://${ingress.host}`;
  const svc = childName(platform, 'gateway');
  return `http://${svc}.${platform.metadata.namespace}.svc:${PROFILES.gateway.port}`;
}
