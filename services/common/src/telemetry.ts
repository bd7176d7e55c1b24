import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetrySettings {
  service: string;
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318. Tracing is off without one. */
  otlpEndpoint: string | undefined;
}

export interface Telemetry {
  enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured. Without
 * one the OpenTelemetry API stays a no-op and nothing is exported.
 */
export function startTelemetry(settings: TelemetrySettings): Telemetry {
  if (!settings.otlpEndpoint) return { enabled: false, shutdown: () => Promise.resolve() };
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': settings.service, 'service.namespace': 'nemo' }),
    traceExporter: new OTLPTraceExporter({ url: new URL('/v1/traces', settings.otlpEndpoint).toString() }),
    // Spans come from the tracing plugin and the service client, through the API alone.
    instrumentations: [],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
