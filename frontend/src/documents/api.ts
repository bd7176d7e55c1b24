import { getJson } from '../api/client.js';
import { postWithProgress } from '../api/upload.js';

/** The rag service behind the gateway's /api/rag/ route. */
const BASE = '/api/rag/v1';

export interface DocumentInfo {
  id: string;
  title: string;
  source: string;
  kind: 'document' | 'transcript' | 'email';
  createdAt: string;
  chunkCount: number;
}

export interface SearchHit {
  score: number;
  text: string;
  citation: { documentId: string; title: string; source: string; kind: string };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  pdf: 'application/pdf',
};

/** Binary formats travel base64-encoded in the JSON body; the rest as text. */
const BINARY: ReadonlySet<string> = new Set(['application/pdf']);

/** The rag service reads text, Markdown, HTML and PDF; anything else is refused here with a reason. */
export function contentTypeOf(fileName: string): string | undefined {
  return CONTENT_TYPES[fileName.split('.').pop()?.toLowerCase() ?? ''];
}

export interface Email {
  id: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
  date: string;
  summary?: string;
}

export const documentsApi = {
  list: async () => (await getJson<{ documents: DocumentInfo[] }>(`${BASE}/documents`)).documents,
  remove: (id: string) => getJson<void>(`${BASE}/documents/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  search: async (query: string, kinds?: DocumentInfo['kind'][]) =>
    (
      await getJson<{ results: SearchHit[] }>(`${BASE}/search`, {
        method: 'POST',
        body: { query, topK: 10, ...(kinds ? { filters: { kinds } } : {}) },
      })
    ).results,
  email: (id: string) => getJson<Email>(`${BASE}/emails/${encodeURIComponent(id)}`),
  summarize: async (id: string) =>
    (await getJson<{ summary: string }>(`${BASE}/emails/${encodeURIComponent(id)}/summary`, { method: 'POST' }))
      .summary,
  upload: async (file: File, contentType: string, onProgress: (fraction: number) => void) => {
    const body = BINARY.has(contentType)
      ? { contentType, contentEncoding: 'base64', content: base64Of(await file.arrayBuffer()) }
      : { contentType, content: await file.text() };
    return postWithProgress<DocumentInfo>(
      `${BASE}/documents`,
      { title: file.name, source: file.name, ...body },
      onProgress,
    );
  },
};

/** Standard base64 of the bytes, in slices that stay under the argument limit of fromCharCode. */
function base64Of(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
