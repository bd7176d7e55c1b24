import { getJson } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { session } from '../api/session.js';
import { History, titleOf, type Conversation } from '../chat/history.js';
import { citationsView, messageView } from '../chat/message-view.js';
import { streamChat, type ChatMessage } from '../chat/stream.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

interface ModelList {
  data: { id: string }[];
}

const newConversation = (): Conversation => ({
  id: crypto.randomUUID(),
  title: 'New chat',
  updatedAt: Date.now(),
  messages: [],
});

/** Chat: streaming answers, a stop button, a RAG toggle, citations, and this browser's history. */
export function chatPage(): HTMLElement {
  const history = new History(session.me?.id ?? 'anonymous');
  let conversation = history.list()[0] ?? newConversation();
  let running: AbortController | undefined;

  const log = h('ol', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const status = liveRegion();
  const prompt = h('textarea', { name: 'prompt', rows: 3, placeholder: 'Ask anything…', required: true });
  const rag = h('input', { type: 'checkbox', name: 'rag', checked: true });
  const send = h('button', { type: 'submit' }, 'Send');
  const stop = h('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  const list = h('ul', { class: 'conversations' });
  const model = getJson<ModelList>('/v1/models').then((m) => m.data[0]?.id ?? 'default');
  model.catch(() => undefined);

  const renderList = (): void => {
    const items = history
      .list()
      .map((c) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'link', 'aria-current': String(c.id === conversation.id), onclick: () => open(c) },
            c.title,
          ),
        ),
      );
    mount(list, ...items);
  };
  const open = (c: Conversation): void => {
    conversation = c;
    mount(log, ...c.messages.map((m) => messageView(m).el));
    renderList();
  };

  const ask = async (text: string): Promise<void> => {
    const user: ChatMessage = { role: 'user', content: text };
    conversation.messages.push(user);
    if (conversation.messages.length === 1) conversation.title = titleOf(text);
    log.append(messageView(user).el);
    const answer: ChatMessage = { role: 'assistant', content: '' };
    const view = messageView(answer);
    view.el.setAttribute('aria-busy', 'true');
    log.append(view.el);
    running = new AbortController();
    setRunning(true);
    try {
      await streamChat(
        { model: await model, messages: [...conversation.messages], rag: rag.checked, signal: running.signal },
        {
          onToken: (t) => {
            answer.content += t;
            view.text.textContent = answer.content;
            status.textContent = '';
            log.scrollTop = log.scrollHeight;
          },
          onCitations: (c) => view.el.append(citationsView(c)),
          onBusy: (s) => (status.textContent = `The platform is busy, retrying in ${s} s…`),
          onNotice: (message) => view.el.append(h('p', { class: 'notice', role: 'note' }, message)),
        },
      );
      status.textContent = '';
    } catch (err) {
      status.textContent = running.signal.aborted ? 'Stopped. The partial answer is kept.' : messageOf(err);
    } finally {
      view.el.removeAttribute('aria-busy');
      if (answer.content) conversation.messages.push(answer);
      history.save(conversation);
      renderList();
      setRunning(false);
    }
  };
  const setRunning = (on: boolean): void => {
    send.disabled = on;
    stop.disabled = !on;
    if (!on) prompt.focus();
  };

  stop.addEventListener('click', () => running?.abort());
  const form = h(
    'form',
    { class: 'composer' },
    field('Message', prompt),
    h('div', { class: 'row' }, h('label', { class: 'toggle' }, rag, ' Use my documents (RAG)'), send, stop),
    status,
  );
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = prompt.value.trim();
    if (!text || !stop.disabled) return;
    prompt.value = '';
    void ask(text);
  });
  const fresh = h('button', { type: 'button', class: 'ghost', onclick: () => open(newConversation()) }, 'New chat');
  open(conversation);
  return h(
    'div',
    { class: 'page chat' },
    h('h1', { class: 'visually-hidden' }, 'Chat'),
    h('aside', { class: 'history', 'aria-label': 'Conversation history' }, h('h2', {}, 'History'), fresh, list),
    h('section', { class: 'conversation', 'aria-label': 'Current conversation' }, log, form),
  );
}
