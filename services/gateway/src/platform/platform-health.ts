import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { PEER_SERVICES, type PeerService } from '../config.js';
import type { Upstreams } from '../proxy/upstreams.js';

export interface PeerReadiness {
  service: PeerService;
  ready: boolean;
  /** What the gateway saw, in words: "ready", "answered 503", or why it could not connect. */
  detail: string;
}

/**
 * The NemoPlatform as the operator last described it (operator/src/render/platform-status.ts);
 * the kubelet refreshes the mounted file within about a minute.
 */
export interface PlatformStatusFile {
  name: string;
  namespace: string;
  generation?: number;
  status: {
    phase?: string;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
    components?: Record<string, { ready: number; desired: number }>;
    gpu?: unknown;
  };
}

export interface PlatformHealth {
  /** `cluster` when the operator mounts the platform's status; `local` under `npm start`. */
  mode: 'cluster' | 'local';
  peers: PeerReadiness[];
  platform?: PlatformStatusFile;
  /** Why the platform status could not be read, when it could not. */
  platformError?: string;
}

/**
 * Platform health from where the gateway stands: each configured peer's own
 * /ready, probed now, and in a cluster the NemoPlatform's status, which the
 * operator mounts as a file so the gateway needs no Kubernetes API access.
 */
export async function platformHealth(
  upstreams: Upstreams,
  statusFile: string | undefined,
  log: FastifyBaseLogger,
): Promise<PlatformHealth> {
  const services = PEER_SERVICES.filter((s) => upstreams.has(s));
  const peers = await Promise.all(
    services.map(async (service) => ({ service, ...(await upstreams.readiness(service)) })),
  );
  if (!statusFile) return { mode: 'local', peers };
  try {
    return { mode: 'cluster', peers, platform: parseStatusFile(await readFile(statusFile, 'utf8')) };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing) log.warn({ err, statusFile }, 'Could not read the platform status file');
    const platformError = missing
      ? 'The operator has not published the platform status yet; it appears after the first reconcile.'
      : 'The platform status file could not be read; see the gateway log.';
    return { mode: 'cluster', peers, platformError };
  }
}

function parseStatusFile(text: string): PlatformStatusFile {
  const parsed = JSON.parse(text) as Partial<PlatformStatusFile>;
  if (typeof parsed.name !== 'string' || typeof parsed.namespace !== 'string' || typeof parsed.status !== 'object') {
    throw new Error('The platform status file lacks name, namespace or status');
  }
  return parsed as PlatformStatusFile;
}
