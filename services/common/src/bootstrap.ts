import type { FastifyInstance } from 'fastify';
import { loadS2SKeyRing, type S2SKeyRing } from './auth/s2s-keys.js';
import { SecretStore, type BaseConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { onShutdownSignals, type Closer } from './shutdown.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/** What every service's server.ts starts from. */
export interface ServiceBase {
  service: string;
  logger: Logger;
  telemetry: Telemetry;
  secrets: SecretStore;
  /** The S2S keys: primary signs, primary and previous verify. */
  keys: S2SKeyRing;
}

/** Logs, tracing (when an OTLP endpoint is set), the secrets directory and the S2S keys. */
export async function startServiceBase(config: BaseConfig): Promise<ServiceBase> {
  const service = config.NEMO_SERVICE_NAME;
  const logger = createLogger({ service, level: config.NEMO_LOG_LEVEL });
  const telemetry = startTelemetry({ service, otlpEndpoint: config.NEMO_OTLP_ENDPOINT });
  const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
  return { service, logger, telemetry, secrets, keys: await loadS2SKeyRing(secrets) };
}

/**
 * Listens, then shuts down in order on SIGTERM/SIGINT: stop taking requests
 * (draining those in flight), close the service's own resources, flush traces.
 */
export async function serve(
  base: ServiceBase,
  config: BaseConfig,
  app: FastifyInstance,
  closers: readonly { name: string; close: Closer }[],
): Promise<void> {
  await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
  base.logger.info({ port: config.NEMO_PORT }, `Started ${base.service}`);
  onShutdownSignals({
    logger: base.logger,
    timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
    closers: [
      { name: 'http', close: () => closeHttp(app, config.NEMO_SHUTDOWN_TIMEOUT_MS / 2, base.logger) },
      ...closers,
      { name: 'telemetry', close: () => base.telemetry.shutdown() },
    ],
  });
}

/**
 * Stops taking requests and lets those in flight finish, for `graceMs` at
 * most. app.close() waits for every open connection, and one a client leaves
 * open (a fetch aborted mid-stream can stay pooled) would hold the shutdown
 * until its deadline, so that the closers after it (pools, traces) never
 * ran. Past the grace, what is still open is cut.
 */
export async function closeHttp(app: FastifyInstance, graceMs: number, logger: Logger): Promise<void> {
  const closed = app.close();
  const timer = setTimeout(() => {
    logger.warn({ graceMs }, 'Cutting connections still open after the shutdown grace');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
