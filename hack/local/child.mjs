import process from 'node:process';
import { setTimeout, clearTimeout } from 'node:timers';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

const TAIL_LINES = 40;

/** One service process: its output goes to a log file and a short in-memory tail for error reports. */
export class Child {
  constructor({ name, dir, env, port, logDir }) {
    Object.assign(this, { name, dir, env, port });
    this.tail = [];
    this.log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    this.proc = undefined;
    this.exited = undefined;
  }

  start() {
    const proc = spawn(process.execPath, ['dist/server.js'], {
      cwd: this.dir,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [proc.stdout, proc.stderr]) stream.on('data', (chunk) => this.record(chunk));
    return this.exited;
  }

  record(chunk) {
    this.log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) this.tail.push(line);
    }
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
  }

  /** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
  async stop(graceMs = 10_000) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async ready(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline && !gone) {
      if (await probe(`http://127.0.0.1:${this.port}/ready`)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw Object.assign(
      new Error(
        gone ? `${this.name} exited before it was ready` : `${this.name} was not ready within ${timeoutMs / 1000} s`,
      ),
      {
        child: this,
      },
    );
  }
}

async function probe(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}
