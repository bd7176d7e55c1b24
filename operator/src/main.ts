#!/usr/bin/env node
/**
 * The operator process: KUBECONFIG (or the in-cluster service account),
 * optional CRD install, leader election, informers, work queue, probes.
 */
import { createLogger, onShutdownSignals } from '@nemo/common';
import { Controller } from './controller/controller.js';
import { installCrd } from './controller/crd-install.js';
import { PooledKubeConfig } from './controller/pooled-kube-config.js';
import { settingsFromEnv } from './controller/settings.js';

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const log = createLogger({ service: 'nemo-operator', level: settings.logLevel });
  const kc = new PooledKubeConfig();
  kc.loadFromDefault();
  if (settings.installCrd) await installCrd(kc, log);
  const controller = new Controller({
    kc,
    log,
    concurrency: settings.concurrency,
    metricsPort: settings.metricsPort,
    processMetrics: true,
    leaderElection: settings.leaderElect ? { namespace: settings.namespace, name: settings.leaseName } : undefined,
    // Like controller-runtime: a replica that lost the lease exits and restarts as a clean standby.
    onLostLeadership: () => {
      log.error({ identity: controller.identity }, 'Lost leadership, exiting');
      process.exit(1);
    },
  });
  onShutdownSignals({
    logger: log,
    timeoutMs: 20_000,
    closers: [{ name: 'controller', close: () => controller.stop({ releaseLease: true }) }],
  });
  await controller.start();
  log.info({ identity: controller.identity, metricsPort: controller.metricsPort, settings }, 'Started operator');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
