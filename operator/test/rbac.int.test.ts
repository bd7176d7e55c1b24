/**
 * Least privilege, measured: the operator runs a full platform lifecycle as
 * the chart's ServiceAccount (with a token for it, so only the chart's RBAC
 * applies), the API server's audit log records every request it makes,
 * and the test compares the verbs it used with what the chart grants.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig, NetworkingV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Controller } from '../src/controller/controller.js';
import {
  connect,
  createNamespace,
  createPlatform,
  deleteNamespace,
  eventually,
  getPlatform,
  provideVolumes,
  smallSpec,
  startController,
  VOLUMES_PER_PLATFORM,
  waitForReady,
  type TestCluster,
} from './support/cluster.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** hack/cluster/audit-policy.yaml audits exactly this identity. */
const NAMESPACE = 'nemo-rbac';
const SA = 'nemo-operator';
const USER = `system:serviceaccount:${NAMESPACE}:${SA}`;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface RbacObject {
  kind: string;
  metadata: { name: string };
  rules?: Rule[];
}

let cluster: TestCluster;
let controller: Controller | undefined;
let workNamespace: string;
let kubectl: (input: string, ...args: string[]) => string;
let chart: RbacObject[];

/** "group/resource:verb" for every grant; "" is the core group. */
function granted(rules: Rule[]): Set<string> {
  return new Set(
    rules.flatMap((r) =>
      (r.apiGroups ?? ['']).flatMap((g) =>
        (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)),
      ),
    ),
  );
}

interface AuditEvent {
  user?: { username?: string };
  verb: string;
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string };
  responseStatus?: { code?: number };
}

/** "group/resource[/subresource]:verb" of one audited request. */
function callOf(e: AuditEvent): string {
  const ref = e.objectRef ?? {};
  const resource = ref.subresource ? `${ref.resource ?? ''}/${ref.subresource}` : (ref.resource ?? '');
  return `${ref.apiGroup ?? ''}/${resource}:${e.verb}`;
}

/** "group/resource:verb" for every request the operator's identity made, from the audit log. */
function used(): { calls: Set<string>; forbidden: string[] } {
  const log = path.join(path.dirname(cluster.kubeconfigPath), 'audit.log');
  const events = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => e.user?.username === USER && e.objectRef?.resource);
  const calls = new Set(events.map(callOf));
  // A server-side apply that creates the object (201) is authorized as create as well.
  for (const e of events.filter((x) => x.verb === 'patch' && x.responseStatus?.code === 201)) {
    calls.add(callOf({ ...e, verb: 'create' }));
  }
  const forbidden = events.filter((e) => e.responseStatus?.code === 403).map(callOf);
  return { calls, forbidden };
}

beforeAll(async () => {
  cluster = await connect();
  await provideVolumes(cluster, VOLUMES_PER_PLATFORM);
  const bin = execFileSync('bash', [path.join(repo, 'hack/cluster/build.sh')], { encoding: 'utf8' }).trim();
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath };
  kubectl = (input, ...args) => execFileSync(path.join(bin, 'kubectl'), args, { encoding: 'utf8', env, input });
  const rendered = execFileSync(
    path.join(bin, 'helm'),
    ['template', 'nemo-operator', path.join(repo, 'charts/nemo-operator'), '-n', NAMESPACE],
    { encoding: 'utf8' },
  );
  const rbacKinds = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount'];
  chart = parseAllDocuments(rendered)
    .map((d) => d.toJSON() as RbacObject | null)
    .filter((d): d is RbacObject => !!d && rbacKinds.includes(d.kind));
  kubectl('', 'create', 'namespace', NAMESPACE);
  kubectl(chart.map((o) => JSON.stringify(o)).join('\n'), 'apply', '-n', NAMESPACE, '-f', '-');
  workNamespace = await createNamespace(cluster, 'rbac-work');
  controller = await startController(
    { ...cluster, kc: await asServiceAccount(cluster) },
    {
      leaderElection: { namespace: NAMESPACE },
    },
  );
}, 180_000);

afterAll(async () => {
  await controller?.stop();
  if (workNamespace) await deleteNamespace(cluster, workNamespace);
  for (const o of chart.filter((c) => c.kind.startsWith('Cluster'))) {
    kubectl('', 'delete', o.kind, o.metadata.name, '--ignore-not-found');
  }
  kubectl('', 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false');
});

async function patchSpec(namespace: string, spec: object): Promise<void> {
  await cluster.custom.patchNamespacedCustomObject(
    { group: 'nemo.dev', version: 'v1alpha1', plural: 'nemoplatforms', namespace, name: 'rbac', body: { spec } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** A kubeconfig that authenticates as the chart's ServiceAccount, with a token from the TokenRequest API. */
async function asServiceAccount(c: TestCluster): Promise<KubeConfig> {
  const request = await c.core.createNamespacedServiceAccountToken({
    name: SA,
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const admin = new KubeConfig();
  admin.loadFromFile(c.kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: admin.clusters,
    users: [{ name: SA, token: request.status?.token ?? '' }],
    contexts: [{ name: SA, cluster: admin.getCurrentCluster()?.name ?? '', user: SA }],
    currentContext: SA,
  });
  return kc;
}

/**
 * Granted but not used by this lifecycle, each with the reason it is still
 * needed. Anything else granted and unused fails the test: drop it from the chart.
 */
const GRANTED_FOR_REASONS_OUTSIDE_THIS_RUN: Record<string, string> = {
  'nemo.dev/nemoplatforms/finalizers:update':
    'blockOwnerDeletion on owner references needs it where OwnerReferencesPermissionEnforcement admission is on; the test cluster does not enable it',
  'bitnami.com/sealedsecrets:list': 'read in secrets.mode sealed only (covered by gpu-and-secrets.int.test.ts)',
};

describe('operator RBAC', () => {
  it('runs a whole lifecycle with only the chart’s permissions', async () => {
    const ns = workNamespace;
    await cluster.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'redis-conn' }, stringData: { url: 'redis://r:6379' } },
    });
    await createPlatform(
      cluster,
      ns,
      'rbac',
      smallSpec({ gateway: { replicas: 1, ingress: { enabled: true, host: 'x.example.com' } } }),
    );
    await waitForReady(cluster, ns, 'rbac', 120_000);
    // Prune (Ingress, a disabled component's objects, the rag index PVC, the
    // Redis StatefulSet for an external Redis) and rotate the generated keys.
    await patchSpec(ns, {
      gateway: { ingress: { enabled: false } },
      emotion: { enabled: false },
      rag: { enabled: false },
      redis: { mode: 'external', external: { secretRef: { name: 'redis-conn' } } },
      secrets: { rotation: 'r1' },
    });
    await eventually('pruned and rotated', async () => {
      const [ingresses, sets, secret] = await Promise.all([
        cluster.kc.makeApiClient(NetworkingV1Api).listNamespacedIngress({ namespace: ns }),
        cluster.apps.listNamespacedStatefulSet({ namespace: ns }),
        cluster.core.readNamespacedSecret({ name: 'rbac-secrets', namespace: ns }),
      ]);
      const done =
        ingresses.items.length === 0 &&
        sets.items.length === 1 &&
        secret.metadata?.annotations?.['nemo.dev/rotation'] === 'r1';
      return done ? true : undefined;
    });
    await waitForReady(cluster, ns, 'rbac', 120_000);
    // Long enough for the leader to renew its Lease at least once.
    await new Promise((r) => setTimeout(r, 6_000));
    await cluster.custom.deleteNamespacedCustomObject({
      group: 'nemo.dev',
      version: 'v1alpha1',
      plural: 'nemoplatforms',
      namespace: ns,
      name: 'rbac',
    });
    await eventually('platform gone', async () => ((await getPlatform(cluster, ns, 'rbac')) ? undefined : true));
  });

  it('used nothing it was not granted, and was granted nothing it did not use', () => {
    const grants = granted(chart.flatMap((o) => o.rules ?? []));
    const { calls, forbidden } = used();
    expect([...new Set(forbidden)]).toEqual([]);
    expect([...calls].filter((c) => !grants.has(c))).toEqual([]);
    const unused = [...grants].filter((g) => !calls.has(g) && !(g in GRANTED_FOR_REASONS_OUTSIDE_THIS_RUN));
    expect(unused).toEqual([]);
  });
});
