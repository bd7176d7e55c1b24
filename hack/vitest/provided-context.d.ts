// Values the global setups hand to tests through inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by hack/vitest/servers.global-setup.ts for the integration project. */
    postgresUrl: string;
    redisUrl: string;
  }
}
