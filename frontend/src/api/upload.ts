import { apiErrorOf, networkError } from './errors.js';
import { session } from './session.js';

/**
 * POSTs a body with upload progress (fetch reports none), as the signed-in
 * user. Failures become the same people-readable errors as other calls.
 */
export function sendWithProgress<T>(
  path: string,
  body: XMLHttpRequestBodyInit,
  contentType: string,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (session.accessToken) xhr.setRequestHeader('authorization', `Bearer ${session.accessToken}`);
    xhr.upload.addEventListener('progress', (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.addEventListener('load', () => {
      const res = new Response(xhr.responseText || null, {
        status: xhr.status,
        headers: { 'retry-after': xhr.getResponseHeader('retry-after') ?? '' },
      });
      if (xhr.status >= 200 && xhr.status < 300) resolve(res.json() as Promise<T>);
      else void apiErrorOf(res).then(reject);
    });
    xhr.send(body);
  });
}

/** POSTs JSON with upload progress. */
export const postWithProgress = <T>(path: string, body: unknown, onProgress: (fraction: number) => void): Promise<T> =>
  sendWithProgress<T>(path, JSON.stringify(body), 'application/json', onProgress);
