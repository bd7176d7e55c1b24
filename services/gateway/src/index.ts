export { build, createServices, settingsFrom, type GatewayDeps, type GatewaySettings } from './app.js';
export { loadGatewayConfig, gatewayConfigSchema, peerUrls, type GatewayConfig, type PeerService } from './config.js';
export { migrate } from './migrate.js';
export { signingKeyRing } from './auth/signing-keys.js';
export { bootstrapAdmin } from './auth/bootstrap.js';
