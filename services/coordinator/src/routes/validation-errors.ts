import type { FastifySchemaValidationError } from 'fastify';

/**
 * Schema errors written for the caller: the full field path, and for an
 * enum the values that are allowed, e.g. "body.workload must be one of
 * llm, asr".
 */
export function formatValidationErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  return new Error(errors.map((e) => describe(e, dataVar)).join('; '));
}

function describe(error: FastifySchemaValidationError, dataVar: string): string {
  const field = [dataVar, ...error.instancePath.split('/').filter(Boolean)].join('.');
  const params = error.params;
  if (error.keyword === 'required') return `${field}.${String(params['missingProperty'])} is required`;
  if (error.keyword === 'enum') {
    return `${field} must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
  }
  return `${field} ${error.message ?? 'is invalid'}`;
}
