import { ErrorCode, NemoError } from '@nemo/common';
import type { z } from 'zod';

/** Parses a request part with its schema; a mismatch is a 400 that names the fields to fix. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || what}: ${i.message}`)
    .join('; ');
  throw new NemoError(ErrorCode.Validation, `The ${what} is invalid: ${fields}.`);
}
