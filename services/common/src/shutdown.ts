import type { Logger } from 'pino';

export type Closer = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Logger;
  /** Whole shutdown budget; past it the process exits anyway. */
  timeoutMs: number;
  /** Run in order: first stop taking requests (app.close drains in-flight ones), then pools. */
  closers: readonly { name: string; close: Closer }[];
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * Runs the closers in order within a bounded time. Returns the exit code:
 * 0 when everything closed, 1 when a closer failed or the budget ran out.
 */
export async function shutdownGracefully(options: Omit<ShutdownOptions, 'signals' | 'exit'>): Promise<number> {
  const { logger, closers, timeoutMs } = options;
  let failed = false;
  const work = (async () => {
    for (const { name, close } of closers) {
      try {
        await close();
        logger.info({ component: name }, 'Closed component');
      } catch (err) {
        failed = true;
        logger.error({ component: name, err }, 'Component failed to close');
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.error({ timeoutMs }, 'Shutdown timed out');
    return 1;
  }
  return failed ? 1 : 0;
}

/** Installs signal handlers that shut down once, then exit with the result. */
export function onShutdownSignals(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      if (started) return;
      started = true;
      options.logger.info({ signal }, 'Received signal, shutting down');
      void shutdownGracefully(options).then(exit);
    });
  }
}
