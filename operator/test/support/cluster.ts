/**
 * Helpers for the operator's integration tests on the real control plane
 * started by e2e/setup/cluster-global-setup.ts.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type CoreV1Event } from '@kubernetes/client-node';
import { createLogger, type Logger } from '@nemo/common';
import { inject } from 'vitest';
import { GROUP, PLURAL, VERSION, type NemoPlatform, type NemoPlatformSpec } from '../../src/api/types.js';
import { Controller, type ControllerOptions } from '../../src/controller/controller.js';
import { installCrd } from '../../src/controller/crd-install.js';
import { statusCodeOf } from '../../src/controller/kube-client.js';
import { PooledKubeConfig } from '../../src/controller/pooled-kube-config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

export interface TestCluster {
  kc: KubeConfig;
  kubeconfigPath: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  log: Logger;
}

/** Quiet unless NEMO_TEST_LOG_LEVEL says otherwise (e.g. debug). */
export function testLogger(): Logger {
  return createLogger({ service: 'nemo-operator-test', level: process.env.NEMO_TEST_LOG_LEVEL ?? 'silent' });
}

export async function connect(): Promise<TestCluster> {
  const kubeconfigPath = inject('kubeconfig');
  const kc = new PooledKubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const log = testLogger();
  await installCrd(kc, log);
  return {
    kc,
    kubeconfigPath,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    log,
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function createNamespace(cluster: TestCluster, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

export async function deleteNamespace(cluster: TestCluster, name: string): Promise<void> {
  try {
    await cluster.core.deleteNamespace({ name });
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
}

/** Polls until `probe` returns a value, or fails with the last observation. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 60_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${String(timeoutMs)} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A platform that fits the test cluster's fake nodes many times over: the
 * GPU workloads run on CPU unless a test asks for GPUs.
 */
export function smallSpec(overrides: NemoPlatformSpec = {}): NemoPlatformSpec {
  return {
    gateway: { replicas: 1 },
    llm: { gpu: { count: 0 } },
    transcription: { gpu: { count: 0 } },
    ...overrides,
  };
}

export async function createPlatform(
  cluster: TestCluster,
  namespace: string,
  name: string,
  spec: NemoPlatformSpec,
): Promise<NemoPlatform> {
  const body = { apiVersion: `${GROUP}/${VERSION}`, kind: 'NemoPlatform', metadata: { name, namespace }, spec };
  return (await cluster.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace,
    body,
  })) as NemoPlatform;
}

export async function getPlatform(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<NemoPlatform | undefined> {
  try {
    return (await cluster.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name,
    })) as NemoPlatform;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/** Waits for phase Ready for the current generation; returns the platform. */
export function waitForReady(cluster: TestCluster, namespace: string, name: string, timeoutMs = 90_000) {
  return eventually(
    `${namespace}/${name} Ready`,
    async () => {
      const p = await getPlatform(cluster, namespace, name);
      const current = p?.status?.observedGeneration === p?.metadata.generation;
      return p?.status?.phase === 'Ready' && current ? p : undefined;
    },
    { timeoutMs },
  );
}

export async function platformEvents(cluster: TestCluster, namespace: string, name: string): Promise<CoreV1Event[]> {
  const list = await cluster.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=NemoPlatform,involvedObject.name=${name}`,
  });
  return list.items;
}

/**
 * The test control plane has no volume provisioner: PersistentVolumeClaims
 * stay Pending, and so do the pods that mount them. A pool of PVs (with no
 * storage class, like the claims) lets the PV controller bind them.
 */
export async function provideVolumes(cluster: TestCluster, count: number): Promise<void> {
  const prefix = uniqueName('pv');
  for (let i = 0; i < count; i++) {
    await cluster.core.createPersistentVolume({
      body: {
        metadata: { name: `${prefix}-${String(i)}` },
        spec: {
          capacity: { storage: '100Gi' },
          accessModes: ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany'],
          persistentVolumeReclaimPolicy: 'Delete',
          hostPath: { path: `/tmp/${prefix}-${String(i)}` },
        },
      },
    });
  }
}

/** Children of one platform that mount a claim: model cache, Redis, Postgres, RAG index. */
export const VOLUMES_PER_PLATFORM = 5;

/** Starts an operator in this process against the test cluster. */
export async function startController(
  cluster: TestCluster,
  options: Partial<ControllerOptions> = {},
): Promise<Controller> {
  const controller = new Controller({ kc: cluster.kc, log: cluster.log, ...options });
  await controller.start();
  return controller;
}

export interface Testbed {
  cluster: TestCluster;
  namespace: string;
  controller: Controller;
}

/** The usual start of an operator test file: the run's cluster, volumes for `platforms`, its own namespace, an operator. */
export async function setUpTestbed(
  prefix: string,
  options: { platforms?: number; controller?: Partial<ControllerOptions> } = {},
): Promise<Testbed> {
  const cluster = await connect();
  await provideVolumes(cluster, VOLUMES_PER_PLATFORM * (options.platforms ?? 1));
  const namespace = await createNamespace(cluster, prefix);
  const controller = await startController(cluster, options.controller);
  return { cluster, namespace, controller };
}

/** Stops the operator and deletes the namespace; safe after a setup that failed halfway. */
export async function tearDownTestbed(bed: Partial<Testbed>): Promise<void> {
  await bed.controller?.stop();
  if (bed.cluster && bed.namespace) await deleteNamespace(bed.cluster, bed.namespace);
}
