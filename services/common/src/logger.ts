import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino replaces with "[Redacted]". Headers that carry credentials,
 * and any field whose name says it is secret, at the top level or one level
 * down (pino redaction does not support deep wildcards, so we list depth).
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'accessToken', 'refreshToken', 'apiKey', 'secret', 'privateKey', 'authorization'].flatMap(
    (k) => [k, `*.${k}`],
  ),
];

export interface LoggerSettings {
  service: string;
  level?: LoggerOptions['level'];
  /** For tests: where lines go instead of stdout. */
  destination?: pino.DestinationStream;
}

/** JSON logs with the service name on every line and secrets redacted. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

export type { Logger };

/** Whether a logger set to `current` writes lines at `level` (pino's level names). */
export function writesAt(current: string, level: pino.Level): boolean {
  return (pino.levels.values[current] ?? Infinity) <= pino.levels.values[level]!;
}
