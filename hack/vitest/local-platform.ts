import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Imported from source: global setup runs outside the workers' resolve conditions.
import { freePort } from '../../services/common/src/servers/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TAIL_LINES = 60;
const READY = /^Nemo Platform ready at (\S+)$/;
const PASSWORD = /^Sign in as admin with password (\S+)$/;
const LOGS = /^Service logs: (\S+)$/;

/** Where a started platform answers, as `npm start` printed it. */
export interface PlatformAddress {
  url: string;
  adminPassword: string;
}

export interface LocalPlatform extends PlatformAddress {
  /** Where the services' logs are; `npm start` leaves them there. */
  logDir: string;
  /** SIGTERM to `npm start`, which stops its services and stores; then whatever is left of its group is killed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Settings for `npm start` and, through it, every service (NEMO_START_SERVICES, NEMO_MAX_QUEUE, ...). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** How long `npm start` may take to stop its services before its process group is killed. */
  stopGraceMs?: number;
}

/** The last lines `npm start` printed, for failure reports. */
class OutputTail {
  readonly lines: string[] = [];
  private partial = '';

  push(chunk: string): string[] {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    this.lines.push(...lines);
    this.lines.splice(0, Math.max(0, this.lines.length - TAIL_LINES));
    return lines;
  }

  toString(): string {
    return [...this.lines, this.partial].map((l) => `  ${l}`).join('\n');
  }
}

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  try {
    process.kill(-(child.pid ?? 0), signal);
  } catch {
    // ESRCH: nothing is left in the group.
  }
};

function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(describeExit(child));
  return once(child, 'exit').then(() => describeExit(child));
}

const describeExit = (child: ChildProcess): string => child.signalCode ?? `code ${String(child.exitCode)}`;

/** Resolves once the URL, password and log lines are printed; rejects if `npm start` exits first. */
function readyLines(child: ChildProcess, tail: OutputTail): Promise<Omit<LocalPlatform, 'stop'>> {
  return new Promise((resolvePromise, reject) => {
    const seen: Partial<Record<'url' | 'adminPassword' | 'logDir', string>> = {};
    const onLine = (line: string): void => {
      seen.url ??= READY.exec(line)?.[1];
      seen.adminPassword ??= PASSWORD.exec(line)?.[1];
      seen.logDir ??= LOGS.exec(line)?.[1];
      const { url, adminPassword, logDir } = seen;
      if (url && adminPassword && logDir) resolvePromise({ url, adminPassword, logDir });
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => tail.push(chunk).forEach(onLine));
    }
    void exitOf(child).then((how) => reject(new Error(`npm start exited (${how}) before it was ready`)));
    child.once('error', reject);
  });
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exitOf(child);
    clearTimeout(timer);
  }
  signalGroup(child, 'SIGKILL');
}

/**
 * `npm start` exactly as a user runs it (hack/start.mjs), as a child process
 * in its own process group, with setup skipped (the caller has built) and the
 * gateway on a free port. Resolves once it prints its URL and the admin's
 * password; fails with its last output lines if it exits or is not ready in time.
 */
export async function startLocalPlatform(options: StartOptions = {}): Promise<LocalPlatform> {
  const { readyTimeoutMs = 240_000, stopGraceMs = 30_000 } = options;
  const child = spawn(process.execPath, ['hack/start.mjs'], {
    cwd: repoRoot,
    env: { ...process.env, NEMO_START_SKIP_SETUP: '1', NEMO_PORT: String(await freePort()), ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A last resort if this process ends without teardown: nothing of the platform outlives it.
  const killOnExit = (): void => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  const tail = new OutputTail();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`npm start was not ready within ${readyTimeoutMs / 1000} s`)),
      readyTimeoutMs,
    );
  });
  const stop = async (): Promise<void> => {
    await stopGroup(child, stopGraceMs);
    process.off('exit', killOnExit);
  };
  try {
    const address = await Promise.race([readyLines(child, tail), timeout]);
    return { ...address, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}. Its last output:\n${tail.toString()}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
