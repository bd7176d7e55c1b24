// `npm start`: the whole platform as local processes. Real PostgreSQL and
// Redis on free loopback ports, secrets generated for this run, every service
// under services/ that has a server, wired together with S2S keys; it prints
// the URL and the admin's credentials once every service is ready.
import process from 'node:process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverServices, planPorts } from './local/services.mjs';
import { writeSecrets } from './local/secrets.mjs';
import { Supervisor } from './local/supervisor.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`${line}\n`);

function setup() {
  if (process.env.NEMO_START_SKIP_SETUP === '1') return;
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
  run('bash', ['hack/ensure-packages.sh']);
  run('bash', ['hack/npm-install.sh']);
  say('Building (tsc -b, then the web UI)');
  run('npx', ['tsc', '-b']);
  // The gateway serves frontend/dist at `/`; without it there is no web UI.
  run('npm', ['run', '--silent', 'build', '-w', 'frontend', '--', '--logLevel', 'warn']);
  run('bash', ['hack/fetch-models']);
  // The transcription service's Python runtime (cached); the services inherit its path.
  const asrEnv = execFileSync('bash', ['hack/asr-env.sh'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  process.env.NEMO_ASR_PYTHON = asrEnv.toString().trim().split('\n').at(-1);
}

async function main() {
  setup();
  // Imported after the build: the harness comes from @nemo/common's compiled output.
  const { startPostgres, startRedis } = await import('../services/common/dist/servers/index.js');
  const services = discoverServices(root, process.env.NEMO_START_SERVICES);
  const ports = await planPorts(services, Number(process.env.NEMO_PORT || 8000));
  const supervisor = new Supervisor({ root, say });
  supervisor.onSignals();
  try {
    say('Starting PostgreSQL and Redis');
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    supervisor.adoptStores(postgres, redis);
    const secrets = await writeSecrets({ postgresUrl: postgres.url, redisUrl: redis.url });
    supervisor.adoptSecrets(secrets);
    await supervisor.migrate(services, postgres.url);
    await supervisor.startAll(services, ports, secrets.dir);
  } catch (err) {
    await supervisor.failed(err);
    return;
  }
  const url = `http://localhost:${ports.get('gateway') ?? ports.values().next().value}`;
  say(`Nemo Platform ready at ${url}`);
  say(`Sign in as admin with password ${supervisor.adminPassword}`);
  say(`Service logs: ${supervisor.logDir}`);
}

await main();
