import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';

export interface Account {
  username: string;
  password: string;
}

/** What `npm start` printed (see hack/vitest/platform.global-setup.ts). */
export interface PlatformAddress {
  url: string;
  adminPassword: string;
}

/** A chat that holds the GPU lease until `release`. */
export interface GpuHold {
  release(): Promise<void>;
}

/**
 * The platform's public HTTP API, used the way a script or the OpenAI SDK
 * would: sign-in, the admin API, /v1. Nothing internal.
 */
export class PlatformApi {
  readonly url: string;
  /** The account `npm start` creates, with the password it printed. */
  readonly admin: Account;

  constructor(address: PlatformAddress) {
    this.url = address.url;
    this.admin = { username: 'admin', password: address.adminPassword };
  }

  async signIn(account: Account): Promise<string> {
    const body = await this.call<{ accessToken: string }>('/auth/login', { method: 'POST', body: account });
    return body.accessToken;
  }

  /** A new account with a random name, created by the admin through POST /admin/users. */
  async createUser(role: 'admin' | 'user', tenant: string): Promise<Account> {
    const account = {
      username: `${role}-${randomBytes(4).toString('hex')}`,
      password: `pw-${randomBytes(12).toString('base64url')}`,
    };
    const token = await this.signIn(this.admin);
    await this.call('/admin/users', { method: 'POST', body: { ...account, role, tenant }, token });
    return account;
  }

  /** The OpenAI SDK against /v1, with an API key or an access token; it honours Retry-After on 429. */
  openai(apiKey: string, maxRetries = 0): OpenAI {
    return new OpenAI({ apiKey, baseURL: `${this.url}/v1`, maxRetries });
  }

  async model(token: string): Promise<string> {
    const [first] = (await this.openai(token).models.list()).data;
    if (!first) throw new Error('The platform lists no chat model');
    return first.id;
  }

  /**
   * Waits until chat gets GPU time: a new coordinator holds grants for one
   * lease after meeting a new Redis (README, local mode), answering 429 with
   * Retry-After meanwhile, which the SDK waits out.
   */
  async untilChatAnswers(account: Account): Promise<void> {
    await this.oneTokenChat(await this.signIn(account), 8);
  }

  /** A one-token chat, not retried: 200, or the status the platform refused it with. */
  async chatStatus(account: Account): Promise<number> {
    const token = await this.signIn(account);
    try {
      await this.oneTokenChat(token, 0);
      return 200;
    } catch (err) {
      const status: unknown = err instanceof OpenAI.APIError ? err.status : undefined;
      if (typeof status === 'number') return status;
      throw err;
    }
  }

  private async oneTokenChat(token: string, maxRetries: number): Promise<void> {
    await this.openai(token, maxRetries).chat.completions.create({
      model: await this.model(token),
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 1,
    });
  }

  /**
   * Starts a long streamed chat and resolves once its first words arrive:
   * from then until `release` it holds the GPU lease, as a busy neighbour would.
   */
  async holdGpu(account: Account): Promise<GpuHold> {
    const token = await this.signIn(account);
    const controller = new AbortController();
    const stream = await this.openai(token).chat.completions.create(
      {
        model: await this.model(token),
        messages: [{ role: 'user', content: 'Write a long story about a lighthouse keeper.' }],
        max_tokens: 512,
        stream: true,
      },
      { signal: controller.signal },
    );
    const chunks = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = await chunks.next();
      if (next.done) throw new Error('The chat ended before it said anything');
      if (next.value.choices[0]?.delta.content) break;
    }
    const drained = (async () => {
      while (!(await chunks.next()).done);
    })().catch(() => undefined);
    return {
      release: async () => {
        controller.abort();
        await drained;
      },
    };
  }

  private async call<T>(path: string, opts: { method: string; body: unknown; token?: string }): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    const res = await fetch(`${this.url}${path}`, { method: opts.method, headers, body: JSON.stringify(opts.body) });
    if (!res.ok) throw new Error(`${opts.method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}
