import type { ApiKeyOwner, ApiKeyStore } from '../store/api-keys.js';

const LIMIT = 10_000;

/**
 * Remembers resolved API keys for a minute so that a busy key costs one
 * database lookup a minute. Revocation does not wait for the cache: the gate
 * refuses a revoked key's requests through its Redis marker.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { owner: ApiKeyOwner | undefined; until: number }>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(key: string): Promise<ApiKeyOwner | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.owner;
    const owner = await this.store.resolve(key);
    if (this.entries.size >= LIMIT) this.entries.clear();
    // Misses are cached briefly too, so a flood of bad keys does not become a flood of queries.
    this.entries.set(key, { owner, until: this.now() + (owner ? this.ttlMs : 5_000) });
    return owner;
  }

  forget(keyId: string): void {
    for (const [key, entry] of this.entries) if (entry.owner?.keyId === keyId) this.entries.delete(key);
  }
}
