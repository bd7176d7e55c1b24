import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import type { NemoPlatform } from '../api/types.js';
import type { OperatorMetrics } from './metrics.js';

export type EventType = 'Normal' | 'Warning';

export interface PlatformEvent {
  type: EventType;
  /** One CamelCase word, e.g. DriftReverted. */
  reason: string;
  message: string;
}

/** Records core/v1 Events on a NemoPlatform, so `kubectl describe nemo` tells its story. */
export class EventRecorder {
  constructor(
    private readonly core: CoreV1Api,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
    private readonly instance: string,
  ) {}

  /** Best effort: an Event that cannot be written is logged, never fails a reconcile. */
  async record(platform: NemoPlatform, event: PlatformEvent): Promise<void> {
    const { namespace, name } = platform.metadata;
    this.metrics.countRequest('write', 'event');
    try {
      await this.core.createNamespacedEvent({ namespace, body: eventFor(platform, event, this.instance) });
    } catch (error) {
      this.log.warn({ namespace, name, reason: event.reason, err: error }, 'Failed to record Event');
    }
  }
}

function eventFor(platform: NemoPlatform, event: PlatformEvent, instance: string): CoreV1Event {
  const { namespace, name, uid, resourceVersion } = platform.metadata;
  const now = new Date();
  return {
    metadata: { generateName: `${name}.`, namespace },
    involvedObject: { apiVersion: platform.apiVersion, kind: platform.kind, namespace, name, uid, resourceVersion },
    type: event.type,
    reason: event.reason,
    message: event.message.slice(0, 1024),
    source: { component: 'nemo-operator' },
    reportingComponent: 'nemo.dev/nemo-operator',
    reportingInstance: instance,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
