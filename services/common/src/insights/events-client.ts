import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { S2SSigner } from '../auth/s2s-token.js';
import { ServiceClient } from '../http/service-client.js';
import { InsightsEvent, type NewInsightsEvent } from './events.js';

export interface InsightsEventsClientOptions {
  /** The insights service, e.g. http://nemo-insights:8080 (NEMO_INSIGHTS_URL). */
  baseUrl: string;
  signer: S2SSigner;
  audience?: string;
  logger?: Logger;
  /** Events held while insights is slow or down; past it the oldest are dropped. */
  maxBuffered?: number;
  /** Events per POST (the intake accepts at most 500). */
  batchSize?: number;
  flushIntervalMs?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface InsightsEventsStats {
  buffered: number;
  sent: number;
  dropped: number;
}

/**
 * Sends analytics events to the insights service without ever making the
 * caller wait or fail: `emit` only appends to a bounded in-memory buffer,
 * and a timer posts batches in the background. When insights is down the
 * buffer keeps the newest events and drops the oldest; a failed batch is
 * put back and retried on the next tick (intake de-duplicates by id).
 */
export class InsightsEventsClient {
  private readonly http: ServiceClient;
  private readonly maxBuffered: number;
  private readonly batchSize: number;
  private buffer: InsightsEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private readonly counts = { sent: 0, dropped: 0 };
  private lastWarnAt = 0;

  constructor(private readonly options: InsightsEventsClientOptions) {
    this.http = new ServiceClient({
      baseUrl: options.baseUrl,
      audience: options.audience ?? 'insights',
      signer: options.signer,
      timeoutMs: options.timeoutMs ?? 5_000,
      retries: 0,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.batchSize = Math.min(options.batchSize ?? 200, 500);
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  /**
   * Queues one event; returns at once and never throws. An event the schema
   * refuses is dropped here, on its own: the intake refuses a whole batch
   * for one bad event, which would take good events down with it.
   */
  emit(event: NewInsightsEvent): void {
    const parsed = InsightsEvent.safeParse({
      ...event,
      id: event.id ?? randomUUID(),
      at: event.at ?? new Date().toISOString(),
    });
    if (!parsed.success) {
      this.counts.dropped += 1;
      this.warn(
        { type: event.type, issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'Dropped an invalid insights event',
      );
      return;
    }
    this.buffer.push(parsed.data);
    this.trim();
    if (this.buffer.length >= this.batchSize) void this.flush();
  }

  get stats(): InsightsEventsStats {
    return { buffered: this.buffer.length, ...this.counts };
  }

  /** Sends what is buffered, one batch at a time; concurrent calls share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and makes one last attempt to deliver what is buffered. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      if (!(await this.send(batch))) {
        this.buffer.unshift(...batch);
        this.trim();
        return;
      }
      this.counts.sent += batch.length;
    }
  }

  private async send(events: InsightsEvent[]): Promise<boolean> {
    try {
      const res = await this.http.call('/v1/events', { method: 'POST', body: { events } });
      if (res.status < 300) return true;
      // A batch the intake refuses as invalid will never be accepted: drop it rather than retry forever.
      if (res.status === 400) {
        this.counts.dropped += events.length;
        this.warn({ status: res.status, events: events.length }, 'Dropped insights events the intake refused');
        return true;
      }
      this.warn({ status: res.status }, 'Insights intake answered with an error; will retry');
    } catch (err) {
      this.warn({ err }, 'Insights intake unreachable; will retry');
    }
    return false;
  }

  private trim(): void {
    const excess = this.buffer.length - this.maxBuffered;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.counts.dropped += excess;
  }

  /** At most one warning a minute: an outage must not flood the logs. */
  private warn(fields: object, message: string): void {
    const now = Date.now();
    if (now - this.lastWarnAt < 60_000) return;
    this.lastWarnAt = now;
    this.options.logger?.warn({ ...fields, dropped: this.counts.dropped }, message);
  }
}

export interface InsightsEventsSetup extends Omit<InsightsEventsClientOptions, 'baseUrl' | 'logger'> {
  /** NEMO_INSIGHTS_URL; unset means no events are sent. */
  url: string | undefined;
  logger: Logger;
}

/**
 * The client a service sends its events through, or undefined when no
 * insights service is configured: then it says so once, at start-up.
 */
export function openInsightsEvents(setup: InsightsEventsSetup): InsightsEventsClient | undefined {
  const { url, ...options } = setup;
  if (!url) {
    setup.logger.info('Disabled insights events: NEMO_INSIGHTS_URL is not set');
    return undefined;
  }
  return new InsightsEventsClient({ ...options, baseUrl: url });
}
