export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Me {
  id: string;
  username: string;
  role: 'admin' | 'user';
  tenant: string;
  displayName: string | null;
}

/**
 * Where tokens live. The access token stays in memory only; the refresh
 * token is kept for this tab in sessionStorage, so a reload stays signed in
 * while closing the tab signs out.
 */
const REFRESH_KEY = 'nemo.refresh';
let accessToken: string | undefined;
let me: Me | undefined;

export const session = {
  get accessToken(): string | undefined {
    return accessToken;
  },
  get refreshToken(): string | undefined {
    return sessionStorage.getItem(REFRESH_KEY) ?? undefined;
  },
  get me(): Me | undefined {
    return me;
  },
  store(tokens: TokenPair): void {
    accessToken = tokens.accessToken;
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  },
  setMe(user: Me): void {
    me = user;
  },
  clear(): void {
    accessToken = undefined;
    me = undefined;
    sessionStorage.removeItem(REFRESH_KEY);
  },
};
