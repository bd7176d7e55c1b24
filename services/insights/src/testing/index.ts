// Test helpers other workspaces use: senders' integration tests run a real insights service.
export { startInsights, type Insights, type InsightsOptions, type User } from './harness.js';
