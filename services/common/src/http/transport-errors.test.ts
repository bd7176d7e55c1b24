import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { transportError } from './transport-errors.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('transportError', () => {
  it.each([
    { name: 'a headers timeout', err: new undiciErrors.HeadersTimeoutError(), code: 'NEMO_ERR_UPSTREAM_TIMEOUT' },
    {
      name: 'an aborted deadline',
      err: Object.assign(new Error('aborted after 10000 ms'), { name: 'TimeoutError' }),
      code: 'NEMO_ERR_UPSTREAM_TIMEOUT',
    },
    { name: 'a refused connection', err: errno('ECONNREFUSED'), code: 'NEMO_ERR_UNAVAILABLE' },
    { name: 'an unknown host', err: errno('ENOTFOUND'), code: 'NEMO_ERR_UNAVAILABLE' },
    { name: 'a dropped socket', err: new undiciErrors.SocketError('closed'), code: 'NEMO_ERR_UNAVAILABLE' },
  ])('maps $name to $code, naming the service and not the cause', ({ err, code }) => {
    const mapped = transportError('rag', err);
    expect(mapped).toMatchObject({ code });
    expect(mapped?.message).toMatch(/^The rag service /);
    expect(mapped?.message).not.toContain(err.message || '\u0000');
  });

  it('leaves other failures to the caller', () => {
    expect(transportError('rag', new SyntaxError('Unexpected token'))).toBeUndefined();
  });
});
