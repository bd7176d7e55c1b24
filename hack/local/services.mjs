import process from 'node:process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The gateway is the public entry; it starts last, once the services it fronts are ready. */
const PUBLIC = 'gateway';

/**
 * Every workspace under services/ with a server (src/server.ts built to
 * dist/server.js), the gateway last. `only` (NEMO_START_SERVICES, comma
 * list) narrows the set.
 */
export function discoverServices(root, only) {
  const wanted = only ? new Set(only.split(',').map((s) => s.trim())) : undefined;
  const names = readdirSync(path.join(root, 'services'))
    .filter((name) => existsSync(path.join(root, 'services', name, 'src', 'server.ts')))
    .filter((name) => !wanted || wanted.has(name));
  const missing = names.filter((name) => !existsSync(path.join(root, 'services', name, 'dist', 'server.js')));
  if (missing.length) throw new Error(`Not built: ${missing.join(', ')}; run npx tsc -b`);
  return names
    .sort((a, b) => Number(a === PUBLIC) - Number(b === PUBLIC) || a.localeCompare(b))
    .map((name) => ({ name, dir: path.join(root, 'services', name) }));
}

/** The gateway on the public port; the others on free loopback ports. */
export async function planPorts(services, publicPort) {
  const { freePort } = await import('../../services/common/dist/servers/index.js');
  const ports = new Map();
  for (const { name } of services) ports.set(name, name === PUBLIC ? publicPort : await freePort());
  return ports;
}

/**
 * The environment a service gets: the operator's names, pointed at this
 * machine. `dataDir` stands in for the volume a cluster mounts at /data
 * (rag's index and stores): it is this run's, like the keys its files are
 * encrypted with.
 */
export function serviceEnv(name, ports, { secretsDir, dataDir }) {
  const env = {
    NEMO_SERVICE_NAME: name,
    NEMO_HOST: '127.0.0.1',
    NEMO_PORT: String(ports.get(name)),
    NEMO_SECRETS_DIR: secretsDir,
    NEMO_DATA_DIR: dataDir,
    NEMO_LOG_LEVEL: process.env.NEMO_LOG_LEVEL ?? 'info',
  };
  for (const [peer, port] of ports) {
    if (peer !== name) env[`NEMO_${peer.toUpperCase()}_URL`] = `http://127.0.0.1:${port}`;
  }
  // A coordinator meeting a Redis it has not seen holds grants for one lease
  // lifetime (a restarted Redis may have lost live leases). Local mode's Redis
  // is new every run, so shorter leases (renewed by heartbeat) shorten that
  // wait; 15 s still outlasts the llm's first, slowest generation on a CPU.
  if (name === 'coordinator') env.NEMO_LEASE_SECONDS = process.env.NEMO_LEASE_SECONDS ?? '15';
  return env;
}
