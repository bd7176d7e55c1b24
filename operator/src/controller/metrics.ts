import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileResultLabel = 'success' | 'requeue' | 'error';
export type ApiVerb = 'read' | 'write';

/**
 * The operator's Prometheus metrics. Each controller owns its registry, so
 * two controllers in one process (the leader-election tests) do not collide.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'nemo_operator_reconcile_total',
    help: 'Reconciles by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'nemo_operator_reconcile_duration_seconds',
    help: 'Time one reconcile took.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'nemo_operator_reconcile_errors_total',
    help: 'Reconciles that failed and were retried with backoff.',
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'nemo_operator_queue_depth',
    help: 'Keys waiting in the work queue.',
    registers: [this.registry],
  });
  readonly driftReverted = new Counter({
    name: 'nemo_operator_drift_reverted_total',
    help: 'Children put back after they were changed or deleted by hand.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly apiWrites = new Counter({
    name: 'nemo_operator_api_writes_total',
    help: 'Write requests (apply, patch, create, delete) the reconciler sent to the API server.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly apiReads = new Counter({
    name: 'nemo_operator_api_reads_total',
    help: 'Read requests (get, list) the reconciler sent to the API server, informers excluded.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'nemo_operator_leader',
    help: '1 while this instance holds the leader lease.',
    registers: [this.registry],
  });

  /** Plain totals for tests and the benchmark, which need numbers, not exposition text. */
  readonly totals = { reconciles: 0, errors: 0, writes: 0, reads: 0, driftReverted: 0 };

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'nemo_operator_' });
  }

  countReconcile(result: ReconcileResultLabel, seconds: number): void {
    this.reconciles.inc({ result });
    this.reconcileDuration.observe(seconds);
    this.totals.reconciles++;
    if (result === 'error') {
      this.reconcileErrors.inc();
      this.totals.errors++;
    }
  }

  countRequest(verb: ApiVerb, operation: string): void {
    if (verb === 'write') {
      this.apiWrites.inc({ operation });
      this.totals.writes++;
    } else {
      this.apiReads.inc({ operation });
      this.totals.reads++;
    }
  }

  countDrift(kind: string): void {
    this.driftReverted.inc({ kind });
    this.totals.driftReverted++;
  }
}
