import type { ResolvedSpec } from './spec-defaults.js';

/** The platform's services. */
export const COMPONENTS = ['gateway', 'llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator'] as const;
export type Component = (typeof COMPONENTS)[number];
export const GPU_COMPONENTS = ['llm', 'transcription'] as const satisfies readonly Component[];
export type GpuComponent = (typeof GPU_COMPONENTS)[number];

/** What each component needs around it; the one place that knows. */
export interface ComponentProfile {
  port: number;
  usesRedis: boolean;
  usesPostgres: boolean;
  /** Mounts the shared model cache. */
  usesModels: boolean;
  /** Internal services it calls, by component name. */
  calls: readonly Component[];
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

export const PROFILES: Readonly<Record<Component, ComponentProfile>> = {
  gateway: {
    port: 8000,
    usesRedis: true,
    usesPostgres: true,
    usesModels: false,
    calls: ['llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator'],
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { memory: '512Mi' },
  },
  llm: {
    port: 8080,
    usesRedis: false,
    usesPostgres: true,
    usesModels: true,
    calls: ['rag', 'coordinator', 'insights'],
    requests: { cpu: '1', memory: '4Gi' },
    limits: { memory: '8Gi' },
  },
  transcription: {
    port: 8080,
    usesRedis: false,
    usesPostgres: true,
    usesModels: true,
    calls: ['emotion', 'rag', 'coordinator', 'insights'],
    requests: { cpu: '1', memory: '4Gi' },
    limits: { memory: '8Gi' },
  },
  rag: {
    port: 8080,
    usesRedis: false,
    usesPostgres: true,
    usesModels: true,
    calls: ['llm', 'insights'],
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { memory: '4Gi' },
  },
  emotion: {
    port: 8080,
    usesRedis: false,
    // Stateless: its results go to the caller and, as events, to insights.
    usesPostgres: false,
    usesModels: true,
    calls: ['insights'],
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { memory: '2Gi' },
  },
  insights: {
    port: 8080,
    usesRedis: false,
    usesPostgres: true,
    usesModels: false,
    calls: [],
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { memory: '512Mi' },
  },
  coordinator: {
    port: 8080,
    usesRedis: true,
    // The lease ledger: grants, releases and expiries (the wait dashboards come from insights).
    usesPostgres: true,
    usesModels: false,
    calls: ['insights'],
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { memory: '256Mi' },
  },
};

/** The gateway always runs; the others follow `enabled`. */
export function isEnabled(spec: ResolvedSpec, component: Component): boolean {
  return component === 'gateway' || spec[component].enabled;
}

export function enabledComponents(spec: ResolvedSpec): Component[] {
  return COMPONENTS.filter((c) => isEnabled(spec, c));
}

/** Calls that a spec setting can switch off even when both ends run. */
function callWanted(spec: ResolvedSpec, from: Component, to: Component): boolean {
  if (from === 'llm' && to === 'rag') return spec.llm.rag.enabled;
  if (from === 'transcription' && to === 'rag') return spec.transcription.ragIndexing;
  if (from === 'transcription' && to === 'emotion') return spec.transcription.emotion;
  return true;
}

/**
 * The internal calls that actually happen: both ends enabled and the feature
 * on. The single source for service URLs and NetworkPolicies alike.
 */
export function activeCalls(spec: ResolvedSpec, component: Component): Component[] {
  return PROFILES[component].calls.filter((to) => isEnabled(spec, to) && callWanted(spec, component, to));
}
