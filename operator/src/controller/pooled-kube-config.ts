import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

type AnyAgent = http.Agent | https.Agent;
type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/** The TLS settings that make two agents interchangeable; credentials in headers (tokens) are not among them. */
const IDENTITY_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * A KubeConfig whose requests share keep-alive connections.
 *
 * client-node (1.4) builds a new https.Agent for every request, so every API
 * call opened a fresh connection and paid a full TLS handshake on both ends.
 * The API server signs each handshake with its RSA key: while the benchmark
 * created 100 platforms, handshakes took 15% of the API server's CPU. Here
 * the throwaway agent is swapped for one long-lived keep-alive agent per
 * distinct TLS identity, as client-go keeps one connection per client.
 * Agents of other kinds (proxies) are left alone.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, AnyAgent>();

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const agent = (opts as https.RequestOptions).agent;
    if (agent instanceof http.Agent) (opts as https.RequestOptions).agent = this.pooled(agent);
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (agent) context.setAgent(this.pooled(agent));
  }

  /** Closes the pooled connections (idle ones at once, busy ones when their requests end). */
  destroyAgents(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private pooled(agent: AnyAgent): AnyAgent {
    const kind = agent.constructor;
    if (kind !== https.Agent && kind !== http.Agent) return agent;
    const options = (agent as AnyAgent & { options: Record<string, unknown> }).options;
    const key = this.keyOf(kind === https.Agent, options);
    let shared = this.agents.get(key);
    if (!shared) {
      const settings = { ...options, keepAlive: true, scheduling: 'lifo' as const };
      shared = kind === https.Agent ? new https.Agent(settings) : new http.Agent(settings);
      this.agents.set(key, shared);
    }
    return shared;
  }

  private keyOf(tls: boolean, options: Record<string, unknown>): string {
    const parts = [tls ? 'https' : 'http', this.getCurrentCluster()?.server ?? ''];
    for (const name of IDENTITY_OPTIONS) parts.push(identityPart(options[name]));
    return parts.join('\0');
  }
}

function identityPart(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return typeof value === 'string' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
