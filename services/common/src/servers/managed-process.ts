import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/** Keeps the last lines a child printed, to explain why it died. */
export class LogTail {
  private lines: string[] = [];
  constructor(private readonly max = 40) {}
  push(chunk: Buffer | string): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (this.lines.length > this.max) this.lines = this.lines.slice(-this.max);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children die with us even if the test runner exits without teardown. */
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function spawnServer(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  tail: LogTail,
): ChildProcess {
  killAllOnExit();
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => tail.push(c));
  child.stderr?.on('data', (c: Buffer) => tail.push(c));
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `ready` until it resolves true, the child exits, or time runs out. */
export async function waitUntilReady(
  name: string,
  child: ChildProcess,
  tail: LogTail,
  ready: () => Promise<boolean>,
): Promise<void> {
  const timeoutMs = 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) during start-up:\n${tail.text()}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready after ${timeoutMs} ms:\n${tail.text()}`);
}

/** Like waitUntilReady, but a server that never became ready is not left running. */
export async function waitOrStop(
  name: string,
  child: ChildProcess,
  tail: LogTail,
  ready: () => Promise<boolean>,
): Promise<void> {
  try {
    await waitUntilReady(name, child, tail, ready);
  } catch (err) {
    await stopProcess(child, 2_000);
    throw err;
  }
}
