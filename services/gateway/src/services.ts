import type { AccessTokens } from './auth/access-tokens.js';
import type { ApiKeyCache } from './auth/api-key-cache.js';
import type { Revocations } from './auth/revocations.js';
import type { Sessions } from './auth/sessions.js';
import type { Upstreams } from './proxy/upstreams.js';
import type { Gate } from './rate-limit/gate.js';
import type { ApiKeyStore } from './store/api-keys.js';
import type { RefreshTokenStore } from './store/refresh-tokens.js';
import type { UserStore } from './store/users.js';

/** The gateway's working parts, handed to each route plugin. */
export interface GatewayServices {
  users: UserStore;
  apiKeys: ApiKeyStore;
  apiKeyCache: ApiKeyCache;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokens;
  sessions: Sessions;
  revocations: Revocations;
  upstreams: Upstreams;
  gate: Gate;
  timeouts: { defaultMs: number; generationMs: number };
  now: () => number;
}
