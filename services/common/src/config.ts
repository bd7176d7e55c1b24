import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Settings come from the environment; secrets come from files in a secrets
 * directory (mounted Kubernetes Secrets in a cluster, a temp dir locally).
 * Both are validated once at start-up so a service fails fast with a message
 * that names every setting to fix.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Settings every service shares; services extend this with their own. */
export const baseConfigSchema = z.object({
  NEMO_SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lowercase DNS label'),
  NEMO_HOST: z.string().default('127.0.0.1'),
  NEMO_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  NEMO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEMO_SECRETS_DIR: z.string().default('/run/secrets'),
  NEMO_OTLP_ENDPOINT: z.url().optional(),
  NEMO_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

type Env = Readonly<Record<string, string | undefined>>;

/** Parses `env` with `schema`; empty strings count as unset. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue));
}

/** Values of these settings may carry credentials, so errors never echo them. */
const SENSITIVE_KEY = /PASS|SECRET|TOKEN|KEY|URL|DSN/i;

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.') || '(root)';
  const shown = 'input' in issue && issue.input !== undefined && !SENSITIVE_KEY.test(key);
  const got = shown ? ` (got ${JSON.stringify(issue.input)})` : '';
  return `${key}: ${issue.message}${issue.code === 'invalid_type' ? '' : got}`;
}

/** Reads one secret file. Names are plain file names, never paths. */
export class SecretStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The secret's bytes, or undefined when the file does not exist. */
  readOptionalBytes(name: string): Buffer | undefined {
    try {
      return readFileSync(this.fileOf(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConfigError([`secret ${name}: cannot read ${this.fileOf(name)}: ${(err as Error).message}`]);
    }
  }

  /** The secret as trimmed text; throws a ConfigError naming the file when it is missing or empty. */
  read(name: string): string {
    const text = this.readOptional(name);
    if (text === undefined) {
      throw new ConfigError([`secret ${name}: expected a non-empty file at ${this.fileOf(name)}`]);
    }
    return text;
  }

  readOptional(name: string): string | undefined {
    const text = this.readOptionalBytes(name)?.toString('utf8').trim();
    return text === '' ? undefined : text;
  }

  private fileOf(name: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new ConfigError([`secret name ${JSON.stringify(name)} must be a plain file name`]);
    }
    return path.join(this.dir, name);
  }
}
