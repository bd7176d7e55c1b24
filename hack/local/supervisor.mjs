import process from 'node:process';
import { setTimeout } from 'node:timers';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Child } from './child.mjs';
import { serviceEnv } from './services.mjs';

const READY_TIMEOUT_MS = Number(process.env.NEMO_START_READY_TIMEOUT_MS || 90_000);
const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long before crashing starts its backoff again from the bottom. */
const STABLE_MS = 60_000;

/**
 * Owns everything `npm start` starts: the stores, the secrets dir and the
 * service processes. It reports and restarts crashed services with backoff,
 * and on Ctrl-C or SIGTERM stops them in reverse order (the gateway first),
 * then the stores.
 */
export class Supervisor {
  constructor({ say }) {
    this.say = say;
    this.children = [];
    this.stores = [];
    this.secrets = undefined;
    this.stopping = false;
    this.logDir = mkdtempSync(path.join(tmpdir(), 'nemo-logs-'));
    // What services keep on disk; its files are encrypted under this run's keys, so it goes with them.
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'nemo-data-'));
  }

  get adminPassword() {
    return this.secrets?.adminPassword;
  }

  adoptStores(...stores) {
    this.stores.push(...stores);
  }

  adoptSecrets(secrets) {
    this.secrets = secrets;
  }

  /** Each service's own migrations (dist/migrate.js), before any of them serves. */
  async migrate(services, postgresUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    try {
      for (const { name, dir } of services) {
        const file = path.join(dir, 'dist', 'migrate.js');
        if (!existsSync(file)) continue;
        const { migrate } = await import(pathToFileURL(file).href);
        const applied = await migrate(pool);
        if (applied.length) this.say(`Applied ${name} migrations: ${applied.join(', ')}`);
      }
    } finally {
      await pool.end();
    }
  }

  async startAll(services, ports, secretsDir) {
    for (const { name, dir } of services) {
      const child = new Child({
        name,
        dir,
        env: serviceEnv(name, ports, { secretsDir, dataDir: this.dataDir }),
        port: ports.get(name),
        logDir: this.logDir,
      });
      this.children.push(child);
      this.say(`Starting ${name} on port ${ports.get(name)}`);
      this.watch(child, child.start());
      await child.ready(READY_TIMEOUT_MS);
      child.readyOnce = true;
    }
  }

  watch(child, exited, backoffMs = 1_000) {
    const startedAt = Date.now();
    void exited.then(({ code, signal }) => {
      if (this.stopping || !child.readyOnce) return;
      const next = Date.now() - startedAt > STABLE_MS ? 1_000 : backoffMs;
      this.say(
        `Service ${child.name} exited (${signal ?? `code ${code}`}); restarting in ${next / 1000} s. Last log lines:`,
      );
      this.say(indent(child.tail));
      setTimeout(() => this.restart(child, Math.min(MAX_BACKOFF_MS, next * 2)), next).unref();
    });
  }

  restart(child, backoffMs) {
    if (this.stopping) return;
    this.watch(child, child.start(), backoffMs);
  }

  async stopAll() {
    this.stopping = true;
    for (const child of [...this.children].reverse()) await child.stop();
    for (const store of this.stores) await store.dispose().catch(() => undefined);
    await this.secrets?.remove();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** Startup failed: say why with the failing service's log tail, stop the rest, exit non-zero. */
  async failed(err) {
    this.say(`Nemo Platform could not start: ${err?.message ?? err}`);
    if (err?.child) this.say(`Last log lines of ${err.child.name}:\n${indent(err.child.tail)}`);
    await this.stopAll();
    process.exit(1);
  }

  onSignals() {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        this.say(`Stopping (${signal})`);
        void this.stopAll().then(
          () => process.exit(0),
          () => process.exit(1),
        );
        process.once(signal, () => process.exit(1));
      });
    }
  }
}

const indent = (lines) => lines.map((l) => `  ${l}`).join('\n');
