import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyRequest } from 'fastify';

/**
 * The tenant comes from the verified service token only, never from the
 * body or the path: a caller cannot ask for another tenant's data.
 */
export function tenantOf(request: FastifyRequest): string {
  const tenant = request.caller?.tenant;
  if (!tenant) {
    throw new NemoError(ErrorCode.Forbidden, 'This endpoint acts for a user: the service token must carry a tenant.');
  }
  return tenant;
}
