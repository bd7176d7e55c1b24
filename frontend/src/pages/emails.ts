import { messageOf } from '../api/errors.js';
import { documentsApi, type DocumentInfo, type Email } from '../documents/api.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';
import { passageView } from './documents.js';

function emailView(email: Email, onSummarize: () => void): HTMLElement {
  const summary = email.summary
    ? h('div', { class: 'summary-box' }, h('strong', {}, 'Summary'), h('p', {}, email.summary))
    : h('button', { type: 'button', onclick: onSummarize }, 'Summarise');
  return h(
    'article',
    { class: 'email', 'aria-label': email.subject || '(no subject)' },
    h('h3', {}, email.subject || '(no subject)'),
    h(
      'p',
      { class: 'muted' },
      `From ${email.from} to ${email.to.join(', ')} · ${new Date(email.date).toLocaleString()}`,
    ),
    summary,
    h('p', { class: 'body' }, email.body),
  );
}

/** The email analyzer: the tenant's emails, search over them, and summaries from the llm service. */
export function emailsPage(): HTMLElement {
  const list = h('ul', { class: 'conversations' });
  const reader = h(
    'section',
    { class: 'card', 'aria-label': 'Selected email' },
    h('p', { class: 'muted' }, 'Choose an email to read it.'),
  );
  const status = liveRegion();
  const query = h('input', { type: 'search', name: 'query', required: true });
  const hits = h('ol', { class: 'hits' });

  const open = (id: string): void => {
    documentsApi
      .email(id)
      .then((email) =>
        mount(
          reader,
          emailView(email, () => summarize(id)),
        ),
      )
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const summarize = (id: string): void => {
    status.textContent = 'Summarising…';
    documentsApi
      .summarize(id)
      .then(() => ((status.textContent = 'Summary ready.'), open(id)))
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const item = (doc: DocumentInfo): HTMLElement =>
    h(
      'li',
      {},
      h('button', { type: 'button', class: 'link', onclick: () => open(doc.id) }, doc.title || '(no subject)'),
    );

  documentsApi
    .list()
    .then((docs) => {
      const emails = docs.filter((d) => d.kind === 'email');
      mount(
        list,
        ...(emails.length ? emails.map(item) : [h('li', { class: 'muted' }, 'No emails have been analysed yet.')]),
      );
    })
    .catch((err: unknown) => (status.textContent = messageOf(err)));

  const search = h(
    'form',
    { class: 'inline', role: 'search' },
    field('Search emails', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = query.value.trim();
    documentsApi
      .search(q, ['email'])
      .then((found) => {
        mount(hits, ...found.map((hit) => passageView(hit, q)));
        status.textContent = found.length ? `${found.length} passages found.` : 'No email matched. Try other words.';
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  });
  return h(
    'div',
    { class: 'page emails' },
    h('h1', {}, 'Emails'),
    search,
    status,
    hits,
    h(
      'div',
      { class: 'split' },
      h('nav', { class: 'card', 'aria-label': 'Emails' }, h('h2', {}, 'Inbox'), list),
      reader,
    ),
  );
}
