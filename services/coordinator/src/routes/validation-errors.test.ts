import type { FastifySchemaValidationError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { formatValidationErrors } from './validation-errors.js';

const error = (e: Partial<FastifySchemaValidationError>): FastifySchemaValidationError => ({
  instancePath: '',
  schemaPath: '',
  params: {},
  keyword: 'type',
  ...e,
});

describe('formatValidationErrors', () => {
  it.each([
    [error({ keyword: 'required', params: { missingProperty: 'holder' } }), 'body.holder is required'],
    [
      error({ keyword: 'enum', instancePath: '/class', params: { allowedValues: ['a', 'b'] } }),
      'body.class must be one of a, b',
    ],
    [
      error({ keyword: 'minimum', instancePath: '/expectedMs', message: 'must be >= 1' }),
      'body.expectedMs must be >= 1',
    ],
  ])('describes %j', (e, text) => {
    expect(formatValidationErrors([e], 'body').message).toBe(text);
  });
});
