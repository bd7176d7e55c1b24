import type { ChatMessage } from './stream.js';

export interface Conversation {
  id: string;
  title: string;
  updatedAt: number;
  messages: ChatMessage[];
}

const MAX_CONVERSATIONS = 50;

/**
 * Conversation history in this browser, per user: the gateway has no
 * conversation store, and chats should survive a reload.
 */
export class History {
  private readonly key: string;

  constructor(userId: string) {
    this.key = `nemo.chats.${userId}`;
  }

  list(): Conversation[] {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.key) ?? '[]') as Conversation[];
      return Array.isArray(parsed) ? parsed.sort((a, b) => b.updatedAt - a.updatedAt) : [];
    } catch {
      return [];
    }
  }

  save(conversation: Conversation): void {
    const others = this.list().filter((c) => c.id !== conversation.id);
    const all = [{ ...conversation, updatedAt: Date.now() }, ...others].slice(0, MAX_CONVERSATIONS);
    localStorage.setItem(this.key, JSON.stringify(all));
  }

  remove(id: string): void {
    localStorage.setItem(this.key, JSON.stringify(this.list().filter((c) => c.id !== id)));
  }
}

export const titleOf = (text: string): string => (text.length > 48 ? `${text.slice(0, 47)}…` : text) || 'New chat';
