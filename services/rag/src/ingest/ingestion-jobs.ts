import { randomUUID } from 'node:crypto';
import { isNemoError } from '@nemo/common';
import type { Logger } from 'pino';
import type { DocumentInput, Ingestor } from './ingestor.js';

export const JobStatus = { Running: 'running', Succeeded: 'succeeded', Failed: 'failed' } as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export interface JobItem {
  /** The document id, once stored; only then is the document acknowledged. */
  documentId: string | undefined;
  status: 'pending' | 'stored' | 'failed';
  error?: string;
}

export interface IngestionJob {
  id: string;
  tenant: string;
  status: JobStatus;
  total: number;
  stored: number;
  failed: number;
  items: JobItem[];
  startedAt: string;
  finishedAt: string | undefined;
}

/** Jobs kept for polling after they finish; older ones are forgotten. */
const RETAINED_JOBS = 200;

/**
 * Long ingestions run in the background, one document at a time, and report
 * progress per document. Each stored document is durable on its own, so a
 * crash mid-job keeps every document the job already reported as stored.
 */
export class IngestionJobs {
  private readonly jobs = new Map<string, IngestionJob>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ingestor: Ingestor,
    private readonly logger: Logger,
  ) {}

  start(tenant: string, inputs: DocumentInput[]): IngestionJob {
    const job: IngestionJob = {
      id: randomUUID(),
      tenant,
      status: JobStatus.Running,
      total: inputs.length,
      stored: 0,
      failed: 0,
      items: inputs.map((i) => ({ documentId: i.id, status: 'pending' })),
      startedAt: new Date().toISOString(),
      finishedAt: undefined,
    };
    this.remember(job);
    const run = this.run(job, inputs).finally(() => this.running.delete(run));
    this.running.add(run);
    return job;
  }

  /** A job of this tenant; another tenant's job id finds nothing. */
  get(tenant: string, id: string): IngestionJob | undefined {
    const job = this.jobs.get(id);
    return job?.tenant === tenant ? job : undefined;
  }

  /** Waits for running jobs (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(job: IngestionJob, inputs: DocumentInput[]): Promise<void> {
    for (const [i, input] of inputs.entries()) {
      const item = job.items[i]!;
      try {
        const doc = await this.ingestor.ingestDocument(job.tenant, input);
        Object.assign(item, { documentId: doc.meta.id, status: 'stored' });
        job.stored++;
      } catch (err) {
        Object.assign(item, { status: 'failed', error: isNemoError(err) ? err.message : 'Internal error.' });
        job.failed++;
        this.logger.warn({ job: job.id, item: i, err }, 'Failed to ingest a document of a job');
      }
    }
    job.status = job.failed === job.total ? JobStatus.Failed : JobStatus.Succeeded;
    job.finishedAt = new Date().toISOString();
    this.logger.info({ job: job.id, stored: job.stored, failed: job.failed }, 'Finished ingestion job');
  }

  private remember(job: IngestionJob): void {
    this.jobs.set(job.id, job);
    for (const [id, old] of this.jobs) {
      if (this.jobs.size <= RETAINED_JOBS) break;
      if (old.status !== JobStatus.Running) this.jobs.delete(id);
    }
  }
}
