import type { TestProject } from 'vitest/node';
import { startLocalPlatform, type LocalPlatform } from './local-platform.js';

/**
 * The platform the browser tests drive: `npm start` itself, spawned (see
 * local-platform.ts), with every service, PostgreSQL and Redis real. Its
 * settings are the ones an operator could give the deployment:
 * - the coordinator keeps no queue (spec.coordinator.maxQueue: 0) and the
 *   llm runs two generations at once (spec.llm.gpu.sharing: timeSliced), so
 *   a chat sent while another holds the one GPU slot is refused with a real
 *   429 and Retry-After, which the UI shows as "busy, retrying";
 * - answers default to 64 tokens (the UI sends no max_tokens), so Gemma on a
 *   small CPU answers in seconds.
 * A second, gateway-only start (3 to 4 s here, against about 12 s for the
 * whole platform) is the platform whose documents service is not running.
 */
const PLATFORM_ENV = {
  NEMO_MAX_QUEUE: '0',
  NEMO_GPU_SHARING: 'timeSliced',
  NEMO_LLM_DEFAULT_MAX_TOKENS: '64',
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = await Promise.allSettled([
    startLocalPlatform({ env: PLATFORM_ENV }),
    startLocalPlatform({ env: { NEMO_START_SERVICES: 'gateway' } }),
  ]);
  const platforms = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(platforms.map((p) => p.stop()));
  };
  const [full, gatewayOnly] = started;
  if (full?.status !== 'fulfilled' || gatewayOnly?.status !== 'fulfilled') {
    await stopAll();
    throw started.find((s) => s.status === 'rejected')?.reason;
  }
  const address = ({ url, adminPassword }: LocalPlatform) => ({ url, adminPassword });
  project.provide('platform', address(full.value));
  project.provide('platformWithoutRag', address(gatewayOnly.value));
  console.log(`npm start for the browser tests: ${full.value.url}, service logs in ${full.value.logDir}`);
  return stopAll;
}
