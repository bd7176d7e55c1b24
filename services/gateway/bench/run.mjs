// `npm run bench -w services/gateway`: authenticated + rate-limited + proxied
// requests through the gateway, against a naive baseline, with the same load
// generator (autocannon, in its own process) in the same run. Not a timed test.
// A bare node:http + undici proxy runs too, as the reference for the machine.
import process from 'node:process';
import console from 'node:console';
import { URL } from 'node:url';
import { fork, execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createLogger, createPgPool, createRedis, keyFromPem, S2SSigner } from '@nemo/common';
import { startPostgres, startRedis } from '@nemo/common/servers';
import { build, createServices, migrate, signingKeyRing } from '../dist/index.js';
import { startBaseline } from './baseline.mjs';
import { startReference } from './reference.mjs';

const DURATION_S = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const run = promisify(execFile);

async function autocannon(url, headers) {
  const args = ['-j', '-c', String(CONNECTIONS), '-d', String(DURATION_S)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  // A short warm-up first, so both contenders are measured with pools and JIT warm.
  await run('npx', ['autocannon', '-c', String(CONNECTIONS), '-d', '2', ...args.slice(5), url]);
  // Both servers run in this process, one loaded at a time: its CPU time is the server's.
  const cpuBefore = process.cpuUsage();
  const { stdout } = await run('npx', ['autocannon', ...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const cpu = process.cpuUsage(cpuBefore);
  const result = JSON.parse(stdout);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    cpuUs: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function startGateway({ pool, redis, upstreamUrl }) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const s2sKey = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'bench');
  const unlimited = { perMinute: 60_000_000, burst: 10_000_000 };
  const deps = {
    settings: {
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 3_600_000,
      rateLimit: { principal: unlimited, ip: unlimited, failMode: 'closed' },
      budgets: { 'chat-tokens': 0, 'audio-seconds': 0 },
      corsOrigins: [],
      trustProxyHops: 0,
      timeouts: { defaultMs: 10_000, generationMs: 10_000 },
      peers: { llm: upstreamUrl },
      webRoot: undefined,
    },
    logger: createLogger({ service: 'gateway', level: 'silent' }),
    pool,
    redis,
    s2s: new S2SSigner({ issuer: 'gateway', key: s2sKey }),
    signingKeys: await signingKeyRing(randomBytes(32).toString('base64url'), undefined),
    usersDbKey: randomBytes(32).toString('base64url'),
  };
  const svc = createServices(deps);
  const app = await build(deps, svc);
  const password = randomBytes(12).toString('base64url');
  await svc.users.create({ username: `bench-${Date.now()}`, password, role: 'user' }).then(async (user) => {
    deps.login = await svc.sessions.login(user.username, password);
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }), token: deps.login.accessToken };
}

/** Runs each contender once per round, taking turns at going first, and keeps each one's best run. */
async function bestOfRounds(runs) {
  const best = {};
  const keys = Object.keys(runs);
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of round % 2 === 0 ? keys : [...keys].reverse()) {
      const result = await runs[key]();
      if (!best[key] || result.rps > best[key].rps) best[key] = result;
    }
  }
  return best;
}

async function main() {
  const [postgres, redisServer] = await Promise.all([startPostgres(), startRedis()]);
  const upstream = fork(new URL('./upstream.mjs', import.meta.url));
  const [{ port }] = await once(upstream, 'message');
  const upstreamUrl = `http://127.0.0.1:${port}`;
  const pool = createPgPool(postgres.url);
  const redis = createRedis(redisServer.url);
  const baselineRedis = createRedis(redisServer.url);
  try {
    await migrate(pool);
    const ours = await startGateway({ pool, redis, upstreamUrl });
    const baselineUrl = await startBaseline({ redis: baselineRedis, upstreamUrl, max: 10_000_000 });
    const reference = await startReference({ upstreamUrl });
    console.log(
      `Each run: ${CONNECTIONS} connections for ${DURATION_S} s, GET /api/llm/ping to a trivial upstream; ` +
        `${ROUNDS} rounds, each contender first in turn, best of each`,
    );
    const { base, gw, ref } = await bestOfRounds({
      base: () => autocannon(`${baselineUrl}/api/llm/ping`, {}),
      gw: () => autocannon(`${ours.url}/api/llm/ping`, { authorization: `Bearer ${ours.token}` }),
      ref: () => autocannon(`${reference.url}/api/llm/ping`, {}),
    });
    const row = (name, r) =>
      `${name.padEnd(48)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${String(r.p99).padStart(4)} ms   ` +
      `CPU ${r.cpuUs.toFixed(0).padStart(4)} us/req   non-2xx ${r.non2xx}   errors ${r.errors}`;
    console.log(row('baseline (rate-limit + http-proxy, no auth)', base));
    console.log(row('gateway (JWT + revocation + rate limit + S2S)', gw));
    console.log(row('reference: node:http + undici, no checks at all', ref));
    console.log(`throughput ratio gateway/baseline: ${(gw.rps / base.rps).toFixed(2)}x (target >= 1.5x)`);
    // What any Node proxy could reach here; see ADR 0018.
    console.log(`throughput ratio reference/baseline: ${(ref.rps / base.rps).toFixed(2)}x`);
    await ours.app.close();
    await reference.close();
  } finally {
    upstream.kill();
    await pool.end();
    redis.disconnect();
    baselineRedis.disconnect();
    await Promise.all([postgres.dispose(), redisServer.dispose()]);
  }
  process.exit(0);
}

await main();
