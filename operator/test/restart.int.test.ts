/**
 * An operator process killed (SIGKILL) in the middle of its first reconcile,
 * then started again, converges to the same objects: nothing duplicated, the
 * generated Secret not regenerated, no spurious rollout.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  createNamespace,
  createPlatform,
  provideVolumes,
  VOLUMES_PER_PLATFORM,
  deleteNamespace,
  smallSpec,
  waitForReady,
  type TestCluster,
} from './support/cluster.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mainJs = join(repoRoot, 'operator', 'dist', 'main.js');

let cluster: TestCluster;
let namespace: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The operator binary is what a pod runs: build it.
  await promisify(execFile)('npx', ['tsc', '-b', 'operator'], { cwd: repoRoot });
  cluster = await connect();
  await provideVolumes(cluster, VOLUMES_PER_PLATFORM * 1);
  namespace = await createNamespace(cluster, 'restart');
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (namespace) await deleteNamespace(cluster, namespace);
});

/** Starts the operator binary; resolves `firstApply` when it logs its first apply. */
function startOperator(): { child: ChildProcess; firstApply: Promise<void> } {
  const child = spawn(process.execPath, [mainJs], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfigPath,
      NEMO_OPERATOR_LEADER_ELECT: 'false',
      NEMO_OPERATOR_METRICS_PORT: '0',
      NEMO_OPERATOR_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface(child.stdout);
  const firstApply = new Promise<void>((resolveApply) => {
    lines.on('line', (line) => {
      if (line.includes('"msg":"Applied ')) resolveApply();
    });
  });
  return { child, firstApply };
}

describe('an operator killed mid-reconcile', () => {
  it('converges after restart without duplicates', async () => {
    const first = startOperator();
    await createPlatform(cluster, namespace, 'delta', smallSpec());
    await first.firstApply;
    first.child.kill('SIGKILL');
    const secretBefore = await cluster.core
      .readNamespacedSecret({ name: 'delta-secrets', namespace })
      .catch(() => undefined);

    startOperator();
    await waitForReady(cluster, namespace, 'delta');

    const selector = 'nemo.dev/platform=delta';
    const [deployments, statefulSets, replicaSets, secrets, services] = await Promise.all([
      cluster.apps.listNamespacedDeployment({ namespace, labelSelector: selector }),
      cluster.apps.listNamespacedStatefulSet({ namespace, labelSelector: selector }),
      cluster.apps.listNamespacedReplicaSet({ namespace }),
      cluster.core.listNamespacedSecret({ namespace, labelSelector: selector }),
      cluster.core.listNamespacedService({ namespace, labelSelector: selector }),
    ]);
    const names = deployments.items.map((d) => d.metadata?.name);
    expect(new Set(names).size).toBe(names.length);
    // One Service per workload: the Deployments and the managed datastores' StatefulSets.
    expect(services.items.length).toBe(deployments.items.length + statefulSets.items.length);
    expect(secrets.items.map((s) => s.metadata?.name)).toEqual(['delta-secrets']);
    if (secretBefore) expect(secrets.items[0]?.metadata?.uid).toBe(secretBefore.metadata?.uid);
    // The restarted operator rendered the same pod templates: one ReplicaSet per Deployment.
    expect(replicaSets.items.length).toBe(deployments.items.length);
  });
});
