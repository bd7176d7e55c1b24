import { describe, expect, it } from 'vitest';
import { podTemplate, workloads } from '../../test/support/objects.js';
import { PolicyEvaluator, type Endpoint, type Policy } from '../../test/support/policy-evaluator.js';
import type { NemoPlatform, NemoPlatformSpec } from '../api/types.js';
import { render } from './index.js';

const NAMESPACE = 'ai';
const NS_LABELS = {
  ai: { 'kubernetes.io/metadata.name': 'ai' },
  'kube-system': { 'kubernetes.io/metadata.name': 'kube-system' },
  'ingress-nginx': { 'kubernetes.io/metadata.name': 'ingress-nginx' },
  monitoring: { 'kubernetes.io/metadata.name': 'monitoring' },
  default: { 'kubernetes.io/metadata.name': 'default' },
};

function platform(spec: NemoPlatformSpec): NemoPlatform {
  return {
    apiVersion: 'nemo.dev/v1alpha1',
    kind: 'NemoPlatform',
    metadata: { name: 'nemo', namespace: NAMESPACE, uid: 'u' },
    spec,
  };
}

interface Target {
  endpoint: Endpoint;
  ports: { port: number; protocol: string }[];
}

/** Platform pods as rendered (their real template labels), plus the actors around them. */
function world(spec: NemoPlatformSpec) {
  const objects = render(platform(spec), { secretHash: undefined });
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  let ip = 10;
  const pods: Target[] = workloads(objects).map((o) => {
    const tpl = podTemplate(o);
    return {
      endpoint: {
        name: o.metadata.name.replace('nemo-', ''),
        namespace: NAMESPACE,
        labels: tpl.metadata?.labels ?? {},
        ip: `10.244.0.${ip++}`,
      },
      ports: (tpl.spec.containers[0]?.ports ?? []).map((p) => ({ port: p.containerPort, protocol: 'TCP' })),
    };
  });
  const other = (
    name: string,
    at: { ns?: string; labels?: Record<string, string>; ip: string; ports?: number[] },
  ): Target => ({
    endpoint: { name, ...(at.ns ? { namespace: at.ns } : {}), labels: at.labels ?? {}, ip: at.ip },
    ports: (at.ports ?? [8080]).map((port) => ({ port, protocol: 'TCP' })),
  });
  const actors: Target[] = [
    {
      ...other('kube-dns', { ns: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10' }),
      ports: [53, 53].map((port, i) => ({ port, protocol: i ? 'TCP' : 'UDP' })),
    },
    other('ingress-controller', { ns: 'ingress-nginx', labels: { app: 'ingress-nginx' }, ip: '10.244.1.2' }),
    other('prometheus', { ns: 'monitoring', labels: { app: 'prometheus' }, ip: '10.244.2.2' }),
    other('intruder', { ns: NAMESPACE, labels: { app: 'intruder' }, ip: '10.244.0.200' }),
    other('outsider', { ns: 'default', labels: { app: 'outsider' }, ip: '10.244.3.3' }),
    other('internet', { ip: '203.0.113.9' }),
    other('external-db', { ip: '10.20.0.5', ports: [5432, 6379] }),
  ];
  return { evaluator: new PolicyEvaluator(policies, NS_LABELS), pods, everyone: [...pods, ...actors] };
}

/** Every open (from, to:port/proto) pair with at least one platform pod at an end. */
function openEdges(spec: NemoPlatformSpec): string[] {
  const { evaluator, pods, everyone } = world(spec);
  const platformNames = new Set(pods.map((p) => p.endpoint.name));
  const concerns = (a: Target, b: Target) =>
    a !== b && (platformNames.has(a.endpoint.name) || platformNames.has(b.endpoint.name));
  const pairs = everyone.flatMap((from) =>
    everyone.filter((to) => concerns(from, to)).map((to) => [from, to] as const),
  );
  return pairs
    .flatMap(([from, to]) =>
      to.ports
        .filter(({ port, protocol }) => evaluator.allowed(from.endpoint, to.endpoint, port, protocol))
        .map(({ port, protocol }) => `${from.endpoint.name}->${to.endpoint.name}:${port}/${protocol}`),
    )
    .sort();
}

const edges = (from: string, tos: string[], port: number) => tos.map((to) => `${from}->${to}:${port}/TCP`);
const SERVICES = ['llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator'];
const dnsFor = (pods: string[]) => pods.flatMap((p) => [`${p}->kube-dns:53/UDP`, `${p}->kube-dns:53/TCP`]);

// Written out by hand from the architecture, not derived from the code under test.
const DEFAULT_EDGES = [
  ...edges('gateway', SERVICES, 8080),
  ...edges('llm', ['rag', 'coordinator', 'insights'], 8080),
  ...edges('transcription', ['emotion', 'rag', 'coordinator', 'insights'], 8080),
  ...edges('rag', ['llm', 'insights'], 8080),
  ...edges('emotion', ['insights'], 8080),
  ...edges('coordinator', ['insights'], 8080),
  ...edges('gateway', ['redis'], 6379),
  ...edges('coordinator', ['redis'], 6379),
  // Emotion keeps no state: its results go to insights as events.
  ...['gateway', 'llm', 'transcription', 'rag', 'insights', 'coordinator'].flatMap((c) => edges(c, ['postgres'], 5432)),
  ...edges('prometheus', SERVICES, 8080),
  'prometheus->gateway:8000/TCP',
  // No ingress configured: the gateway's port is open to every source, and only it.
  ...['kube-dns', 'ingress-controller', 'prometheus', 'intruder', 'outsider', 'internet', 'external-db'].map(
    (s) => `${s}->gateway:8000/TCP`,
  ),
  ...dnsFor(['gateway', ...SERVICES, 'redis', 'postgres']),
];

describe('NetworkPolicy reachability matrix', () => {
  it('opens exactly the intended edges for the default platform', () => {
    expect(openEdges({})).toEqual([...new Set(DEFAULT_EDGES)].sort());
  });

  it('keeps DNS and metrics scraping open under default-deny (the classic outage)', () => {
    const open = new Set(openEdges({}));
    for (const pod of ['gateway', ...SERVICES, 'redis', 'postgres']) expect(open).toContain(`${pod}->kube-dns:53/UDP`);
    for (const svc of SERVICES) expect(open).toContain(`prometheus->${svc}:8080/TCP`);
  });

  it('with an ingress, admits only the ingress controller (and Prometheus) to the gateway', () => {
    const open = openEdges({ gateway: { ingress: { enabled: true, host: 'nemo.example.com' } } }).filter((e) =>
      e.includes('->gateway:'),
    );
    expect(open).toEqual(['ingress-controller->gateway:8000/TCP', 'prometheus->gateway:8000/TCP']);
  });

  it('opens nothing to or from a disabled component, and drops switched-off calls', () => {
    const open = openEdges({ emotion: { enabled: false }, llm: { rag: { enabled: false } } });
    expect(open.filter((e) => e.includes('emotion'))).toEqual([]);
    expect(open).not.toContain('llm->rag:8080/TCP');
    expect(open).toContain('transcription->rag:8080/TCP');
  });

  it('lets only Postgres users reach an external Postgres, on its CIDR and port', () => {
    const open = openEdges({
      postgres: { mode: 'external', external: { secretRef: { name: 'pg' }, cidr: '10.20.0.0/24', port: 5432 } },
    });
    expect(open.filter((e) => e.includes('external-db'))).toEqual(
      [
        'external-db->gateway:8000/TCP',
        ...['coordinator', 'gateway', 'insights', 'llm', 'rag', 'transcription'].map(
          (c) => `${c}->external-db:5432/TCP`,
        ),
      ].sort(),
    );
    expect(open.filter((e) => e.includes('->internet'))).toEqual([]);
  });

  it('renders no policies when disabled', () => {
    expect(
      render(platform({ networkPolicy: { enabled: false } }), { secretHash: undefined }).filter(
        (o) => o.kind === 'NetworkPolicy',
      ),
    ).toEqual([]);
  });
});
