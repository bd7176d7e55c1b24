import { busyRetrying } from '../api/busy.js';
import { getJson } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { conversationsApi, type ConversationSummary, type StoredMessage } from '../chat/conversations.js';
import { citationsView, messageView } from '../chat/message-view.js';
import { streamChat } from '../chat/stream.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

interface ModelList {
  data: { id: string }[];
}

/** The conversation on screen; `id` is unknown until the service names a new one. */
interface Current {
  id: string | undefined;
  messages: StoredMessage[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The conversation named in the address (#/chat/<id>), so that a reload or a link reopens it. */
const conversationInUrl = (): string | undefined => {
  const id = location.hash.split('/')[2];
  return id && UUID.test(id) ? id : undefined;
};
// replaceState, not the hash: a hashchange would render the page anew mid-answer.
const showInUrl = (id: string | undefined): void => history.replaceState(null, '', id ? `#/chat/${id}` : '#/chat');

const stoppedNote = () => h('p', { class: 'notice', role: 'note' }, 'Stopped before the end.');

/** A stored message as shown: its text, its sources, and whether it was stopped. */
function storedView(m: StoredMessage): HTMLElement {
  const { el } = messageView(m);
  if (m.citations?.length) el.append(citationsView(m.citations));
  if (m.stopped) el.append(stoppedNote());
  return el;
}

/** Chat: streaming answers, a stop button, a RAG toggle, citations, and the user's stored conversations. */
export function chatPage(): HTMLElement {
  let current: Current = { id: undefined, messages: [] };
  let summaries: ConversationSummary[] = [];
  let running: AbortController | undefined;

  const log = h('ol', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const status = liveRegion();
  const prompt = h('textarea', { name: 'prompt', rows: 3, placeholder: 'Ask anything…', required: true });
  const rag = h('input', { type: 'checkbox', name: 'rag', checked: true });
  const send = h('button', { type: 'submit' }, 'Send');
  const stop = h('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  const list = h('ul', { class: 'conversations', 'aria-busy': 'true' });
  const discard = h(
    'button',
    { type: 'button', class: 'ghost', disabled: true, onclick: () => void remove() },
    'Delete chat',
  );
  const listNote = h('p', { class: 'notice', role: 'note', hidden: true });
  const model = getJson<ModelList>('/v1/models').then((m) => m.data[0]?.id ?? 'default');
  model.catch(() => undefined);

  const renderList = (): void => {
    const items = summaries.map((c) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-current': String(c.id === current.id),
            onclick: () => void open(c.id),
          },
          c.title,
        ),
      ),
    );
    mount(list, ...items);
    discard.disabled = current.id === undefined;
  };
  const refreshList = async (): Promise<void> => {
    try {
      summaries = await conversationsApi.list();
      listNote.hidden = true;
    } catch (err) {
      // Chat still works without stored history (a deployment without PostgreSQL); say why the list is empty.
      listNote.textContent = messageOf(err);
      listNote.hidden = false;
    }
    list.removeAttribute('aria-busy');
    renderList();
  };
  const show = (next: Current): void => {
    current = next;
    showInUrl(next.id);
    mount(log, ...next.messages.map(storedView));
    renderList();
  };
  const remove = async (): Promise<void> => {
    const { id } = current;
    const title = summaries.find((c) => c.id === id)?.title ?? 'this chat';
    if (!id || running || !confirm(`Delete "${title}"? Its messages will be gone from every browser.`)) return;
    try {
      await conversationsApi.remove(id);
      show({ id: undefined, messages: [] });
      status.textContent = `Deleted "${title}".`;
    } catch (err) {
      status.textContent = messageOf(err);
    }
    await refreshList();
  };
  const open = async (id: string): Promise<void> => {
    if (running) return;
    log.setAttribute('aria-busy', 'true');
    try {
      const stored = await conversationsApi.get(id);
      // The user may have sent a message meanwhile: that conversation stays on screen.
      if (running) return;
      show({ id: stored.id, messages: stored.messages });
      status.textContent = '';
    } catch (err) {
      status.textContent = messageOf(err);
      if (current.id === undefined) showInUrl(undefined);
    } finally {
      log.removeAttribute('aria-busy');
    }
  };

  const ask = async (text: string): Promise<void> => {
    const user: StoredMessage = { role: 'user', content: text };
    current.messages.push(user);
    log.append(messageView(user).el);
    const answer: StoredMessage = { role: 'assistant', content: '' };
    const view = messageView(answer);
    view.el.setAttribute('aria-busy', 'true');
    log.append(view.el);
    running = new AbortController();
    // Once the service names the conversation, it stores this exchange, even if the user stops it.
    let named = false;
    setRunning(true);
    try {
      await streamChat(
        {
          model: await model,
          messages: current.messages.map(({ role, content }) => ({ role, content })),
          rag: rag.checked,
          conversationId: current.id,
          signal: running.signal,
        },
        {
          onToken: (t) => {
            answer.content += t;
            view.text.textContent = answer.content;
            status.textContent = '';
            log.scrollTop = log.scrollHeight;
          },
          onCitations: (c) => {
            answer.citations = c;
            view.el.append(citationsView(c));
          },
          onBusy: (s) => (status.textContent = busyRetrying(s)),
          onNotice: (message) => view.el.append(h('p', { class: 'notice', role: 'note' }, message)),
          onConversation: (id) => {
            current.id = id;
            named = true;
            showInUrl(id);
            renderList();
          },
        },
      );
      status.textContent = '';
      current.messages.push(answer);
    } catch (err) {
      const stopped = running.signal.aborted;
      status.textContent = stopped ? 'Stopped. The partial answer is kept.' : messageOf(err);
      // The service keeps a stopped answer it had begun, so the next turn's history matches what it stored.
      if (stopped && named) {
        answer.stopped = true;
        current.messages.push(answer);
        view.el.append(stoppedNote());
      }
    } finally {
      view.el.removeAttribute('aria-busy');
      running = undefined;
      setRunning(false);
      void refreshList();
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
  const fresh = h(
    'button',
    { type: 'button', class: 'ghost', onclick: () => !running && show({ id: undefined, messages: [] }) },
    'New chat',
  );
  // A new chat, unless the address names a conversation (a reload, or a shared link of the user's own).
  const wanted = conversationInUrl();
  void refreshList();
  if (wanted) void open(wanted);
  return h(
    'div',
    { class: 'page chat' },
    h('h1', { class: 'visually-hidden' }, 'Chat'),
    h(
      'aside',
      { class: 'history', 'aria-label': 'Conversation history' },
      h('h2', {}, 'History'),
      h('div', { class: 'row' }, fresh, discard),
      listNote,
      list,
    ),
    h('section', { class: 'conversation', 'aria-label': 'Current conversation' }, log, form),
  );
}
