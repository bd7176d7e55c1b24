import { baseConfigSchema, datastoreConfigSchema, loadConfig } from '@nemo/common';
import { z } from 'zod';
import type { Priorities } from './classes.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings the operator renders for the coordinator (see operator/src/render/config.ts). */
export const coordinatorConfigSchema = baseConfigSchema.extend(datastoreConfigSchema.shape).extend({
  NEMO_SERVICE_NAME: baseConfigSchema.shape.NEMO_SERVICE_NAME.default('coordinator'),
  /** Leases that may run at once: GPUs × turns per GPU. */
  NEMO_GPU_SLOTS: positiveInt(1),
  NEMO_PRIORITY_REALTIME: positiveInt(100),
  NEMO_PRIORITY_INTERACTIVE: positiveInt(50),
  NEMO_PRIORITY_BATCH: positiveInt(10),
  NEMO_MAX_QUEUE: z.coerce.number().int().min(0).default(64),
  NEMO_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** Head start of the highest class over the lowest: the bound on overtaking. */
  NEMO_AGING_WINDOW_MS: positiveInt(10_000),
  /** Longest a request waits in one call before it is told to ask again. */
  NEMO_LONG_POLL_MS: positiveInt(20_000),
  /** The insights service: one `gpu.wait` event per grant or refusal. Unset: no events. */
  NEMO_INSIGHTS_URL: z.url().optional(),
});
export type CoordinatorConfig = z.infer<typeof coordinatorConfigSchema>;

export function loadCoordinatorConfig(env: NodeJS.ProcessEnv = process.env): CoordinatorConfig {
  return loadConfig(coordinatorConfigSchema, env);
}

/** The knobs the arbiter needs, apart from where it runs. */
export interface ArbiterSettings {
  slots: number;
  priorities: Priorities;
  maxQueue: number;
  leaseMs: number;
  agingWindowMs: number;
  longPollMs: number;
}

export function arbiterSettings(config: CoordinatorConfig): ArbiterSettings {
  return {
    slots: config.NEMO_GPU_SLOTS,
    priorities: {
      realtime: config.NEMO_PRIORITY_REALTIME,
      interactive: config.NEMO_PRIORITY_INTERACTIVE,
      batch: config.NEMO_PRIORITY_BATCH,
    },
    maxQueue: config.NEMO_MAX_QUEUE,
    leaseMs: config.NEMO_LEASE_SECONDS * 1000,
    agingWindowMs: config.NEMO_AGING_WINDOW_MS,
    longPollMs: config.NEMO_LONG_POLL_MS,
  };
}
