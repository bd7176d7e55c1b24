import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { NemoPlatformSpec, NemoPlatformStatus } from './schema.js';

export const GROUP = 'nemo.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'NemoPlatform';
export const PLURAL = 'nemoplatforms';
export const SINGULAR = 'nemoplatform';
export const SHORT_NAMES = ['nemo'] as const;
export const FINALIZER = 'nemo.dev/finalizer';
export const FIELD_MANAGER = 'nemo-operator';

export interface NemoPlatform {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: V1ObjectMeta & { name: string; namespace: string };
  spec: NemoPlatformSpec;
  status?: NemoPlatformStatus;
}

export type { NemoPlatformSpec, NemoPlatformStatus, Condition } from './schema.js';
