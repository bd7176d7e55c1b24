import type { TestProject } from 'vitest/node';
// Imported from source: global setup runs outside the workers' resolve conditions.
import { startPostgres, startRedis } from '../../services/common/src/servers/index.js';

/**
 * One real PostgreSQL and one real Redis per test run, each on a free port in
 * its own temp dir, handed to the integration tests by URL and removed after.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  project.provide('postgresUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.all([postgres.dispose(), redis.dispose()]);
  };
}
