/**
 * The operator chart (charts/nemo-operator): lint, render, schema validation,
 * and a real `helm install` into the test control plane.
 *
 * helm and kubectl come from hack/cluster/build.sh, which the global setup has
 * already run, so asking it again is a cache hit that prints the bin dir.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../cluster/kube.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chartDir = join(repoRoot, 'charts', 'nemo-operator');
const RELEASE = 'nemo-operator';
const NAMESPACE = 'nemo-system';
const CRD = 'nemoplatforms.nemo.dev';
const LEASE = 'nemo-operator-leader';
const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:${RELEASE}`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Runs a command to completion; never throws on a non-zero exit. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolvePromise({ code: 0, stdout, stderr });
      // A non-numeric code (ENOENT, maxBuffer) means the command never ran to an exit.
      else if (typeof error.code === 'number') resolvePromise({ code: error.code, stdout, stderr });
      else reject(new Error(`${file} ${args.join(' ')} failed to run`, { cause: error }));
    });
  });
}

let bin: string;
let helmHome: string;
let env: NodeJS.ProcessEnv;

const helm = (...args: string[]): Promise<Result> => run(join(bin, 'helm'), args, env);
const kubectl = (...args: string[]): Promise<Result> => run(join(bin, 'kubectl'), args, env);

/** Like `helm`, but fails the test with helm's stderr on a non-zero exit. */
async function helmOk(...args: string[]): Promise<string> {
  const result = await helm(...args);
  expect(result.stderr, `helm ${args.join(' ')}`).not.toMatch(/^Error:/m);
  expect(result.code, `helm ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function render(...extraArgs: string[]): Promise<KubeObject[]> {
  const out = await helmOk('template', RELEASE, chartDir, '--namespace', NAMESPACE, ...extraArgs);
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((obj): obj is KubeObject => obj !== null);
}

function findOne(objects: KubeObject[], kind: string): KubeObject {
  const matches = objects.filter((o) => o.kind === kind);
  expect(
    matches.map((o) => o.metadata.name),
    `exactly one ${kind}`,
  ).toHaveLength(1);
  return matches[0]!;
}

/**
 * Flattens RBAC rules into sorted "group/resource: verb" permissions, with
 * "[name]" after the resource when a rule is limited to named objects.
 */
function permissions(rules: PolicyRule[]): string[] {
  const one = (rule: PolicyRule, group: string, resource: string): string[] =>
    (rule.resourceNames ?? ['']).flatMap((name) =>
      rule.verbs.map((verb) => `${group || 'core'}/${resource}${name && `[${name}]`}: ${verb}`),
    );
  return rules
    .flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) => (rule.resources ?? []).flatMap((r) => one(rule, group, r))),
    )
    .sort();
}

/** Rendered children: informers, server-side apply, pruning. */
const OWNED = ['list', 'watch', 'create', 'patch', 'delete'];

/** RBAC rules as table rows; "" is the core API group. */
type RuleTable = readonly (readonly [group: string, resources: string[], verbs: string[], resourceNames?: string[]])[];

/** Everything the operator may do cluster-wide, and nothing else. */
const EXPECTED_CLUSTER_RULES: RuleTable = [
  ['nemo.dev', ['nemoplatforms'], ['list', 'watch', 'patch']],
  ['nemo.dev', ['nemoplatforms/status'], ['patch']],
  ['nemo.dev', ['nemoplatforms/finalizers'], ['update']],
  ['', ['configmaps', 'services', 'serviceaccounts', 'persistentvolumeclaims'], OWNED],
  ['apps', ['deployments', 'statefulsets'], OWNED],
  ['networking.k8s.io', ['ingresses', 'networkpolicies'], OWNED],
  ['', ['secrets'], ['get', 'list', 'watch', 'create', 'update']],
  ['', ['nodes', 'pods'], ['list', 'watch']],
  ['storage.k8s.io', ['storageclasses'], ['list', 'watch']],
  ['bitnami.com', ['sealedsecrets'], ['list']],
  ['', ['events'], ['create']],
];

/** Its own Lease by name; create cannot be limited to a name. */
const EXPECTED_LEADER_ELECTION_RULES: RuleTable = [
  ['coordination.k8s.io', ['leases'], ['get', 'update'], [LEASE]],
  ['coordination.k8s.io', ['leases'], ['create']],
];

function expectedPermissions(table: RuleTable): string[] {
  return permissions(
    table.map(([group, resources, verbs, resourceNames]) => ({ apiGroups: [group], resources, verbs, resourceNames })),
  );
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return role.rules as PolicyRule[];
}

beforeAll(async () => {
  const built = await run('bash', [join(repoRoot, 'hack', 'cluster', 'build.sh')]);
  if (built.code !== 0) throw new Error(`hack/cluster/build.sh failed:\n${built.stderr}`);
  bin = built.stdout.trim();
  // Keep helm's config, cache and repository state out of the user's home.
  helmHome = await mkdtemp(join(tmpdir(), 'nemo-helm-'));
  env = {
    ...process.env,
    KUBECONFIG: inject('kubeconfig'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
});

afterAll(async () => {
  await rm(helmHome, { recursive: true, force: true });
});

describe('helm lint', () => {
  it('passes', async () => {
    const out = await helmOk('lint', chartDir);
    expect(out).toContain('0 chart(s) failed');
  });

  it('passes with --strict (warnings fail)', async () => {
    const out = await helmOk('lint', '--strict', chartDir);
    expect(out).toContain('0 chart(s) failed');
  });
});

describe('helm template with default values', () => {
  let objects: KubeObject[];

  beforeAll(async () => {
    objects = await render();
  });

  it('renders the operator objects, each in the release namespace when namespaced', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects.filter((obj) => !clusterScoped.has(obj.kind))) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it('runs 2 operator replicas with leader election, metrics and probes on port 8081', () => {
    const deployment = findOne(objects, 'Deployment') as KubeObject & { spec: DeploymentSpec };
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe(RELEASE);
    expect(pod.automountServiceAccountToken).toBe(true);
    const container = pod.containers[0]!;
    expect(container.image).toBe('ghcr.io/nemo-platform/operator:0.1.0');
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'NEMO_OPERATOR_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'NEMO_OPERATOR_LEADER_ELECT', value: 'true' },
        { name: 'NEMO_OPERATOR_METRICS_PORT', value: '8081' },
        { name: 'NEMO_OPERATOR_LEASE_NAME', value: LEASE },
      ]),
    );
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8081, protocol: 'TCP' }]);
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'metrics' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'metrics' } });
    for (const path of ['requests.cpu', 'requests.memory', 'limits.memory']) {
      expect(container.resources, `resources.${path}`).toHaveProperty(path);
    }
    expect(pod.affinity).toHaveProperty('podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution');
  });

  it('has the restricted security context', () => {
    const deployment = findOne(objects, 'Deployment') as KubeObject & { spec: DeploymentSpec };
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).not.toHaveProperty('capabilities.add');
      expect(container.securityContext).not.toHaveProperty('privileged', true);
    }
  });

  it('grants exactly the expected cluster-wide permissions', () => {
    const role = findOne(objects, 'ClusterRole');
    expect(permissions(rulesOf(role))).toEqual(expectedPermissions(EXPECTED_CLUSTER_RULES));
  });

  it('grants Lease access only in the release namespace', () => {
    const role = findOne(objects, 'Role');
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(permissions(rulesOf(role))).toEqual(expectedPermissions(EXPECTED_LEADER_ELECTION_RULES));
  });

  it('has no wildcard verbs, resources or groups, and no non-resource URLs', () => {
    const rules = [findOne(objects, 'ClusterRole'), findOne(objects, 'Role')].flatMap(rulesOf);
    for (const rule of rules) {
      const fields = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
      expect(
        fields.filter((f) => f.includes('*')),
        JSON.stringify(rule),
      ).toEqual([]);
      expect(rule.nonResourceURLs).toBeUndefined();
    }
  });

  it('binds both roles to the operator ServiceAccount', () => {
    const subject = { kind: 'ServiceAccount', name: RELEASE, namespace: NAMESPACE };
    expect(findOne(objects, 'ClusterRoleBinding').subjects).toEqual([subject]);
    expect(findOne(objects, 'RoleBinding').subjects).toEqual([subject]);
  });

  it('keeps one operator pod through drains', () => {
    expect(findOne(objects, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 1 });
  });
});

describe('helm template with other values', () => {
  it('renders the ServiceMonitor only when enabled and the Prometheus Operator API is served', async () => {
    const enabled = ['--set', 'metrics.serviceMonitor.enabled=true'];
    expect((await render(...enabled)).filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    const withApi = await render(...enabled, '--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor');
    expect(findOne(withApi, 'ServiceMonitor').spec).toMatchObject({ endpoints: [{ port: 'metrics' }] });
  });

  it('uses the image tag from values over the appVersion', async () => {
    const deployment = findOne(await render('--set', 'image.tag=1.2.3'), 'Deployment') as KubeObject & {
      spec: DeploymentSpec;
    };
    expect(deployment.spec.template.spec.containers[0]!.image).toBe('ghcr.io/nemo-platform/operator:1.2.3');
  });

  it('drops the Lease Role and the PodDisruptionBudget for a single replica without leader election', async () => {
    const kinds = (await render('--set', 'replicaCount=1', '--set', 'leaderElection.enabled=false')).map((o) => o.kind);
    expect(kinds).not.toContain('Role');
    expect(kinds).not.toContain('PodDisruptionBudget');
  });
});

describe('values validation (values.schema.json and template checks)', () => {
  it.each([
    { values: ['--set', 'replicaCount=0'], field: /replicaCount.*minimum/ },
    { values: ['--set', 'image.pullPolicy=Sometimes'], field: /image\/pullPolicy.*must be one of/ },
    { values: ['--set', 'replicCount=2'], field: /additional properties 'replicCount' not allowed/ },
    { values: ['--set', 'logLevel=verbose'], field: /logLevel.*must be one of/ },
    { values: ['--set', 'leaderElection.enabled=false'], field: /replicaCount > 1 requires leaderElection\.enabled/ },
  ])('refuses $values.1', async ({ values, field }) => {
    const result = await helm('template', RELEASE, chartDir, ...values);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(field);
  });
});

describe('helm install into the test control plane', () => {
  let crdExisted = false;
  let namespaceExisted = false;
  let installed = false;

  /** The checks below are about the installed release; without one they say so at once. */
  function requireInstalled(): void {
    if (!installed) throw new Error('helm install failed (see "installs" above), so there is nothing to check');
  }

  /** `kubectl auth can-i` as the operator's ServiceAccount: "yes" or "no". */
  async function canI(request: string): Promise<string> {
    const result = await kubectl('auth', 'can-i', ...request.split(' '), `--as=${SERVICE_ACCOUNT}`);
    return result.stdout.trim();
  }

  beforeAll(async () => {
    crdExisted = (await kubectl('get', 'crd', CRD)).code === 0;
    namespaceExisted = (await kubectl('get', 'namespace', NAMESPACE)).code === 0;
  });

  // Leave the cluster as we found it for the test files that run after this one.
  afterAll(async () => {
    if (installed) await helm('uninstall', RELEASE, '-n', NAMESPACE);
    if (!namespaceExisted) await kubectl('delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found');
    if (!crdExisted) await kubectl('delete', 'crd', CRD, '--wait=false', '--ignore-not-found');
  });

  it('installs', async () => {
    // Helm 4 spells `--wait=false` as `--wait=hookOnly`: do not wait for the
    // operator pods, whose image this control plane cannot pull.
    await helmOk('install', RELEASE, chartDir, '-n', NAMESPACE, '--create-namespace', '--wait=hookOnly');
    installed = true;
  });

  it('establishes the NemoPlatform CRD', async () => {
    requireInstalled();
    const established = await eventually('the CRD to be Established', async () => {
      const result = await kubectl(
        'get',
        'crd',
        CRD,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      );
      return result.stdout === 'True' ? true : undefined;
    });
    expect(established).toBe(true);
  });

  it('creates the operator Deployment with 2 replicas', async () => {
    requireInstalled();
    const result = await kubectl('get', 'deployment', RELEASE, '-n', NAMESPACE, '-o', 'jsonpath={.spec.replicas}');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('2');
  });

  it('runs pods that Pod Security "restricted" admits', async () => {
    requireInstalled();
    await eventually('the 2 operator pods to be created', async () => {
      const pods = await kubectl(
        'get',
        'pods',
        '-n',
        NAMESPACE,
        '-l',
        `app.kubernetes.io/instance=${RELEASE}`,
        '-o',
        'name',
      );
      return pods.stdout.trim().split('\n').filter(Boolean).length === 2 ? true : undefined;
    });
    // A server-side dry run of enforcing "restricted" lists every existing pod that would violate it.
    const label = 'pod-security.kubernetes.io/enforce=restricted';
    const result = await kubectl('label', '--dry-run=server', '--overwrite', 'namespace', NAMESPACE, label);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/violate/i);
  });

  // `kubectl auth can-i` arguments; -n is the namespace the request is for.
  it.each([
    'list nemoplatforms.nemo.dev -n default',
    'patch nemoplatforms.nemo.dev/status -n default',
    'patch deployments.apps -n default',
    'delete deployments.apps -n default',
    'update secrets -n default',
    'watch nodes',
    `update leases.coordination.k8s.io/${LEASE} -n nemo-system`,
    'create leases.coordination.k8s.io -n nemo-system',
  ])('the ServiceAccount may %s', async (request) => {
    requireInstalled();
    expect(await canI(request)).toBe('yes');
  });

  it.each([
    'delete nodes',
    'delete nemoplatforms.nemo.dev -n default',
    'delete pods -n default',
    'delete secrets -n default',
    'get pods -n default',
    `update leases.coordination.k8s.io/${LEASE} -n default`,
    'update leases.coordination.k8s.io/some-other-lease -n nemo-system',
    'delete leases.coordination.k8s.io -n nemo-system',
    'create clusterrolebindings.rbac.authorization.k8s.io',
    'update customresourcedefinitions.apiextensions.k8s.io',
    'impersonate serviceaccounts -n default',
  ])('the ServiceAccount may not %s', async (request) => {
    requireInstalled();
    expect(await canI(request)).toBe('no');
  });

  it('uninstalls', async () => {
    requireInstalled();
    await helmOk('uninstall', RELEASE, '-n', NAMESPACE);
    installed = false;
    await eventually('the operator Deployment to be deleted', async () => {
      const result = await kubectl('get', 'deployment', RELEASE, '-n', NAMESPACE, '--ignore-not-found', '-o', 'name');
      return result.code === 0 && result.stdout === '' ? true : undefined;
    });
  });
});

interface ContainerSpec {
  image: string;
  env: unknown[];
  ports: unknown[];
  livenessProbe: unknown;
  readinessProbe: unknown;
  resources: unknown;
  securityContext: unknown;
}

interface DeploymentSpec {
  replicas: number;
  template: {
    spec: {
      serviceAccountName: string;
      automountServiceAccountToken: boolean;
      securityContext: unknown;
      affinity: unknown;
      containers: ContainerSpec[];
    };
  };
}
