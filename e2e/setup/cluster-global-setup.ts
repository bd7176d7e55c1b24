/**
 * Vitest globalSetup: starts a throwaway Kubernetes control plane
 * (hack/cluster/up.sh) in a fresh temporary state dir for this test run, and
 * stops it again (hack/cluster/down.sh) when the run ends.
 *
 * Tests read the admin kubeconfig path with `inject('kubeconfig')`; it is
 * also exported as process.env.KUBECONFIG for anything started from here.
 *
 * Set NEMO_KEEP_CLUSTER=1 to leave the cluster running and its state dir
 * (logs, kubeconfig) in place for debugging.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const clusterDir = join(repoRoot, 'hack', 'cluster');

/** Runs a hack/cluster script; stderr streams through, stdout is returned. */
function runScript(script: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(clusterDir, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`hack/cluster/${script} failed (${signal ?? `exit ${String(code)}`})`));
    });
  });
}

/** up.sh prints KUBECONFIG=<path> as its last stdout line. */
function kubeconfigFrom(stdout: string): string {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const match = /^KUBECONFIG=(.+)$/.exec(last);
  if (!match?.[1]) throw new Error(`hack/cluster/up.sh printed no KUBECONFIG line:\n${stdout}`);
  return match[1];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(join(tmpdir(), 'nemo-cluster-'));
  let kubeconfig: string;
  try {
    kubeconfig = kubeconfigFrom(await runScript('up.sh', [stateDir]));
  } catch (error) {
    // up.sh already stopped whatever it started; keep the logs it reported.
    console.error(`cluster state (logs) kept in ${stateDir}`);
    throw error;
  }
  process.env.KUBECONFIG = kubeconfig;
  project.provide('kubeconfig', kubeconfig);

  return async () => {
    if (process.env.NEMO_KEEP_CLUSTER) {
      console.error(`NEMO_KEEP_CLUSTER set: cluster left running, KUBECONFIG=${kubeconfig}`);
      return;
    }
    await runScript('down.sh', [stateDir]);
    await rm(stateDir, { recursive: true, force: true });
  };
}
