import { h } from '../ui/dom.js';
import type { ChatMessage, Citation } from './stream.js';

/** One message bubble; the assistant's text grows as tokens arrive. */
export function messageView(message: ChatMessage): { el: HTMLElement; text: HTMLElement } {
  const text = h('div', { class: 'text' }, message.content);
  const who = message.role === 'user' ? 'You' : 'Assistant';
  const el = h('li', { class: `message ${message.role}` }, h('span', { class: 'who' }, who), text);
  return { el, text };
}

/** Citations as disclosure buttons: activating one opens its source passage in place. */
export function citationsView(citations: readonly Citation[]): HTMLElement {
  const items = citations.map((c, i) => {
    const source = h('div', { class: 'source', hidden: true }, h('strong', {}, c.title), h('p', {}, c.snippet ?? ''));
    source.id = `source-${c.id}-${i}`;
    const button = h(
      'button',
      { type: 'button', class: 'citation', 'aria-expanded': 'false', 'aria-controls': source.id },
      `[${i + 1}] ${c.title}`,
    );
    button.addEventListener('click', () => {
      const open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', String(open));
      source.hidden = !open;
    });
    return h('li', {}, button, source);
  });
  return h('div', { class: 'citations' }, h('span', { class: 'label' }, 'Sources'), h('ol', {}, ...items));
}
