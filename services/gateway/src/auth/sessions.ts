import { ErrorCode, NemoError } from '@nemo/common';
import type { RefreshTokenStore } from '../store/refresh-tokens.js';
import type { UserStore } from '../store/users.js';
import type { AccessTokens } from './access-tokens.js';
import { lockedOut, type LoginThrottle } from './login-throttle.js';
import { decoyHash, verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import type { Revocations } from './revocations.js';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

export interface SessionDeps {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokens;
  throttle: LoginThrottle;
  revocations: Revocations;
  now?: () => number;
}

const wrongCredentials = () => new NemoError(ErrorCode.AuthInvalid, 'The username or password is wrong.');
const badRefresh = () => new NemoError(ErrorCode.AuthInvalid, 'The refresh token is not valid; sign in again.');

/** Sign-in, refresh-token rotation and sign-out. */
export class Sessions {
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
  }

  async login(username: string, password: string): Promise<TokenPair> {
    const { users, throttle } = this.deps;
    await throttle.assertOpen(username, this.now());
    const record = await users.findForLogin(username);
    // A missing user costs the same scrypt work as a wrong password: timing tells nothing.
    const matches = await verifyPassword(password, record?.passwordHash ?? (await decoyHash()));
    if (!record || !matches || record.disabled) {
      const lockMs = await throttle.recordFailure(username, this.now());
      if (lockMs > 0) throw lockedOut(lockMs);
      throw wrongCredentials();
    }
    await throttle.recordSuccess(username);
    const { token, familyId } = await this.deps.refreshTokens.issue(record.id);
    return this.pair(
      { userId: record.id, role: record.role, tenant: record.tenant, sessionId: familyId, apiKeyId: undefined },
      token,
    );
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.deps.refreshTokens.rotate(refreshToken);
    if (outcome.kind === 'reused') {
      // Access tokens minted from this family die with it, not only its refresh tokens.
      await this.deps.revocations.revokeSession(outcome.familyId);
      throw new NemoError(
        ErrorCode.AuthInvalid,
        'This refresh token was already used; the session has been ended. Sign in again.',
      );
    }
    if (outcome.kind === 'invalid') throw badRefresh();
    const user = await this.deps.users.get(outcome.userId);
    if (!user || user.disabled) throw badRefresh();
    return this.pair(
      { userId: user.id, role: user.role, tenant: user.tenant, sessionId: outcome.familyId, apiKeyId: undefined },
      outcome.token,
    );
  }

  /** Ends the session of `principal`, or of the given refresh token. */
  async logout(principal: Principal | undefined, refreshToken: string | undefined): Promise<void> {
    const familyId =
      principal?.sessionId ?? (refreshToken ? await this.deps.refreshTokens.familyOf(refreshToken) : undefined);
    if (!familyId) return;
    await this.deps.refreshTokens.revokeFamily(familyId);
    await this.deps.revocations.revokeSession(familyId);
  }

  private async pair(principal: Principal, refreshToken: string): Promise<TokenPair> {
    const access = await this.deps.accessTokens.issue(principal);
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken };
  }
}
