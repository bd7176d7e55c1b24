import { getJson } from '../api/client.js';
import type { ChatMessage, Citation } from './stream.js';

/** A conversation in the history list (the llm service stores them per user). */
export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: string;
}

/** A message as stored: an answer keeps its citations, and says whether the user stopped it. */
export interface StoredMessage extends ChatMessage {
  citations?: Citation[];
  stopped?: boolean;
}

export interface StoredConversation extends ConversationSummary {
  messages: StoredMessage[];
}

const BASE = '/api/llm/v1/conversations';

/** The signed-in user's conversations, kept by the llm service: they follow the user to any browser. */
export const conversationsApi = {
  list: async () => (await getJson<{ data: ConversationSummary[] }>(BASE)).data,
  get: (id: string) => getJson<StoredConversation>(`${BASE}/${encodeURIComponent(id)}`),
  remove: (id: string) => getJson<void>(`${BASE}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
