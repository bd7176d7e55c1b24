import { ConfigError } from '@nemo/common';
import { describe, expect, it } from 'vitest';
import { arbiterSettings, loadCoordinatorConfig } from './config.js';

describe('coordinator config', () => {
  it('reads the settings the operator renders', () => {
    const config = loadCoordinatorConfig({
      NEMO_GPU_SLOTS: '4',
      NEMO_PRIORITY_REALTIME: '90',
      NEMO_PRIORITY_INTERACTIVE: '40',
      NEMO_PRIORITY_BATCH: '5',
      NEMO_MAX_QUEUE: '0',
      NEMO_LEASE_SECONDS: '12',
    });
    expect(arbiterSettings(config)).toEqual({
      slots: 4,
      priorities: { realtime: 90, interactive: 40, batch: 5 },
      maxQueue: 0,
      leaseMs: 12_000,
      agingWindowMs: 10_000,
      longPollMs: 20_000,
    });
    expect(config.NEMO_SERVICE_NAME).toBe('coordinator');
  });

  it('names every bad setting', () => {
    expect(() => loadCoordinatorConfig({ NEMO_GPU_SLOTS: '0', NEMO_LEASE_SECONDS: '601' })).toThrow(ConfigError);
    expect(() => loadCoordinatorConfig({ NEMO_GPU_SLOTS: '0', NEMO_LEASE_SECONDS: '601' })).toThrow(
      /NEMO_GPU_SLOTS[\s\S]*NEMO_LEASE_SECONDS/,
    );
  });
});
