import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CLASSES, WORKLOADS, type WorkClass, type Workload } from './classes.js';
import type { DenyReason, QueueSnapshot } from './store/lease-store.js';

export interface CoordinatorMetrics {
  granted: Counter<'workload' | 'class'>;
  denied: Counter<'workload' | 'class' | 'reason'>;
  waitSeconds: Histogram<'class'>;
  ledgerErrors: Counter;
  recordDenied(workload: Workload, workClass: WorkClass, reason: DenyReason): void;
}

/**
 * The coordinator's metrics. Queue depth and GPU busy ratio are read from
 * Redis at scrape time, so every replica reports the shared state rather
 * than its own share of it.
 */
export function registerMetrics(
  registry: Registry,
  slots: number,
  snapshot: () => Promise<QueueSnapshot>,
): CoordinatorMetrics {
  const granted = new Counter({
    name: 'coordinator_leases_granted_total',
    help: 'GPU leases granted, by workload and class.',
    labelNames: ['workload', 'class'] as const,
    registers: [registry],
  });
  const denied = new Counter({
    name: 'coordinator_leases_denied_total',
    help: 'GPU lease requests refused with 429, by workload, class and reason.',
    labelNames: ['workload', 'class', 'reason'] as const,
    registers: [registry],
  });
  const waitSeconds = new Histogram({
    name: 'coordinator_wait_seconds',
    help: 'Time from queueing to grant, by class.',
    labelNames: ['class'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const ledgerErrors = new Counter({
    name: 'coordinator_ledger_errors_total',
    help: 'Ledger writes to PostgreSQL that failed (grants are unaffected).',
    registers: [registry],
  });
  registerStateGauges(registry, slots, snapshot);
  return {
    granted,
    denied,
    waitSeconds,
    ledgerErrors,
    recordDenied: (workload, workClass, reason) => denied.inc({ workload, class: workClass, reason }),
  };
}

function registerStateGauges(registry: Registry, slots: number, snapshot: () => Promise<QueueSnapshot>): void {
  // One read of Redis per scrape feeds both gauges.
  let pending: Promise<QueueSnapshot> | undefined;
  const read = (): Promise<QueueSnapshot> => {
    pending ??= snapshot().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  new Gauge({
    name: 'coordinator_queue_depth',
    help: 'Requests waiting for a GPU slot, by class (shared by all replicas).',
    labelNames: ['class'] as const,
    registers: [registry],
    async collect() {
      const { depth } = await read();
      for (const c of CLASSES) this.set({ class: c }, depth[c]);
    },
  });
  new Gauge({
    name: 'coordinator_gpu_busy_ratio',
    help: 'Share of GPU slots held, by workload (shared by all replicas).',
    labelNames: ['workload'] as const,
    registers: [registry],
    async collect() {
      const { busy } = await read();
      for (const w of WORKLOADS) this.set({ workload: w }, (busy[w] ?? 0) / slots);
    },
  });
}
