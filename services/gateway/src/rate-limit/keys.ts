/** Every Redis key the gateway owns starts here; one place, so they stay greppable. */
const PREFIX = 'nemo:gw:';

export const redisKeys = {
  ipBucket: (ip: string) => `${PREFIX}rl:ip:${ip}`,
  userBucket: (id: string) => `${PREFIX}rl:user:${id}`,
  apiKeyBucket: (id: string) => `${PREFIX}rl:key:${id}`,
  revokedUser: (id: string) => `${PREFIX}revoked:user:${id}`,
  revokedSession: (id: string) => `${PREFIX}revoked:session:${id}`,
  revokedApiKey: (id: string) => `${PREFIX}revoked:key:${id}`,
  budget: (tenant: string, kind: string, day: string) => `${PREFIX}budget:${kind}:${day}:${tenant}`,
  loginFailures: (who: string) => `${PREFIX}login:${who}`,
};
