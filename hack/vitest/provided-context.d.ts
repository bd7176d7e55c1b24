// Values the global setups hand to tests through inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by hack/vitest/servers.global-setup.ts for the integration project. */
    postgresUrl: string;
    redisUrl: string;
    /** Set by hack/vitest/platform.global-setup.ts for the browser project: `npm start`, as printed. */
    platform: { url: string; adminPassword: string };
    /** The same, started with the gateway only: no documents (rag) service behind it. */
    platformWithoutRag: { url: string; adminPassword: string };
  }
}
