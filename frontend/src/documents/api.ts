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
};

/** The rag service reads text, Markdown and HTML; anything else is refused here with a reason. */
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
  upload: (file: File, content: string, contentType: string, onProgress: (fraction: number) => void) =>
    postWithProgress<DocumentInfo>(
      `${BASE}/documents`,
      { title: file.name, source: file.name, contentType, content },
      onProgress,
    ),
};
