import { getJson } from '../api/client.js';

export interface RangeChoice {
  from: string;
  to: string;
  tenant?: string | undefined;
}

export interface EmotionPoint {
  bucket: string;
  key: string;
  label: string;
  count: number;
  meanScore: number;
}
export interface Usage {
  budgets: { chatTokensPerDay: number; audioSecondsPerDay: number; days: number };
  timeline: { bucket: string; chatTokens: number; audioSeconds: number }[];
  tenants: {
    tenant: string;
    chatTokens: number;
    audioSeconds: number;
    chatTokensBudget: number;
    audioSecondsBudget: number;
  }[];
  users: { tenant: string; userId: string; chatTokens: number; audioSeconds: number }[];
}
export interface WaitSummary {
  granted: number;
  denied: number;
  p50Ms: number | null;
  p95Ms: number | null;
}
export interface GpuQueue {
  classes: (WaitSummary & { class: string })[];
  timeline: (WaitSummary & { bucket: string; class: string })[];
}
export interface Rag {
  queries: number;
  empty: number;
  emptyShare: number | null;
  timeline: { bucket: string; queries: number; empty: number }[];
}
export interface Terms {
  terms: { term: string; count: number }[];
}
export interface Meta {
  interval: 'hour' | 'day';
}

/** The insights service behind the gateway's /api/insights/ route. */
const get = <T>(path: string, range: RangeChoice, extra: Record<string, string> = {}): Promise<T & Meta> => {
  const params = new URLSearchParams({ from: range.from, to: range.to, ...extra });
  if (range.tenant) params.set('tenant', range.tenant);
  return getJson<T & Meta>(`/api/insights/v1/insights/${path}?${params.toString()}`);
};

export const insightsApi = {
  emotions: (r: RangeChoice) => get<{ points: EmotionPoint[] }>('emotions', r),
  usage: (r: RangeChoice) => get<Usage>('usage', r),
  gpuQueue: (r: RangeChoice) => get<GpuQueue>('gpu-queue', r),
  rag: (r: RangeChoice) => get<Rag>('rag', r),
  terms: (r: RangeChoice) => get<Terms>('terms', r, { limit: '15' }),
};
