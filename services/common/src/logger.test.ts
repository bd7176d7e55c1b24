import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, writesAt } from './logger.js';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON with the service name and a textual level', () => {
    const { lines, stream } = capture();
    createLogger({ service: 'rag', destination: stream }).info({ name: 'doc-1' }, 'Indexed document');
    expect(lines[0]).toMatchObject({ service: 'rag', level: 'info', msg: 'Indexed document', name: 'doc-1' });
  });

  it('redacts credentials in headers and secret-named fields', () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 'gateway', destination: stream });
    log.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k' } },
        password: 'p',
        user: { refreshToken: 'r', name: 'ann' },
      },
      'Handled request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['Bearer abc', 'sid=1', '"k"', '"p"', '"r"']) expect(text).not.toContain(secret);
    expect(text).toContain('ann');
    expect(text).toContain('[Redacted]');
  });

  it('tells whether a level is written at a setting', () => {
    expect(writesAt('info', 'info')).toBe(true);
    expect(writesAt('debug', 'info')).toBe(true);
    expect(writesAt('warn', 'info')).toBe(false);
    expect(writesAt('silent', 'fatal')).toBe(false);
  });
});
