import type { KubeConfig } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../api/types.js';
import type { KubeObject } from '../render/kube-object.js';
import { OWNED_KINDS } from '../render/owned-kinds.js';
import { sendRaw } from './kube-client.js';
import type { OperatorMetrics } from './metrics.js';

/**
 * Writes owned objects as plain JSON. client-node's KubernetesObjectApi
 * serializes through typed models whose field names differ from the API's in
 * places (NetworkPolicy `from` is `_from`) and drops what it does not know,
 * so a rendered NetworkPolicy would lose its `from` peers — silently opening
 * it. Plain JSON in, plain JSON out, exactly as rendered and as watched.
 */
export class RawObjectClient {
  constructor(
    private readonly kc: KubeConfig,
    private readonly metrics?: OperatorMetrics,
  ) {}

  /** Server-side apply with the operator's field manager, taking ownership of conflicting fields. */
  async apply(obj: KubeObject): Promise<KubeObject> {
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' });
    this.metrics?.countRequest('write', 'apply');
    const text = await sendRaw(this.kc, {
      method: 'PATCH',
      path: `${objectPath(obj)}?${query.toString()}`,
      body: JSON.stringify(obj),
      contentType: 'application/apply-patch+yaml',
    });
    return JSON.parse(text) as KubeObject;
  }

  /** Background deletion; NotFound is left to the caller. */
  async delete(obj: KubeObject): Promise<void> {
    this.metrics?.countRequest('write', 'delete');
    await sendRaw(this.kc, {
      method: 'DELETE',
      path: objectPath(obj),
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
      contentType: 'application/json',
    });
  }
}

/** The REST path of an owned object, from the kinds the operator manages. */
export function objectPath(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const owned = OWNED_KINDS.find((k) => k.apiVersion === obj.apiVersion && k.kind === obj.kind);
  if (!owned) throw new Error(`${obj.apiVersion} ${obj.kind} is not a kind the operator manages`);
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const namespace = encodeURIComponent(obj.metadata.namespace ?? '');
  return `${base}/namespaces/${namespace}/${owned.plural}/${encodeURIComponent(obj.metadata.name)}`;
}
