import { randomBytes } from 'node:crypto';
import type { Logger } from '@nemo/common';
import type { UserStore } from '../store/users.js';

export const BOOTSTRAP_PASSWORD_SECRET = 'admin-password';
export const BOOTSTRAP_USERNAME = 'admin';

export interface BootstrapResult {
  username: string;
  /** Set only when the password was generated here: shown once, never stored in clear. */
  generatedPassword: string | undefined;
}

/**
 * Makes sure an admin exists. The first start creates `admin` with the
 * password from the admin-password secret file, or a generated one that is
 * printed once on stderr (not through the logger, which may ship logs away).
 */
export async function bootstrapAdmin(
  users: UserStore,
  passwordFromSecret: string | undefined,
  logger: Logger,
): Promise<BootstrapResult | undefined> {
  if (await users.hasAdmin()) return undefined;
  const generated = passwordFromSecret ? undefined : randomBytes(18).toString('base64url');
  try {
    await users.create({
      username: BOOTSTRAP_USERNAME,
      password: passwordFromSecret ?? generated ?? '',
      role: 'admin',
    });
  } catch (err) {
    // Another replica bootstrapped at the same moment: its admin stands.
    if ((err as { code?: string }).code === 'NEMO_ERR_CONFLICT') return undefined;
    throw err;
  }
  logger.info({ username: BOOTSTRAP_USERNAME, generated: generated !== undefined }, 'Created bootstrap admin');
  return { username: BOOTSTRAP_USERNAME, generatedPassword: generated };
}
