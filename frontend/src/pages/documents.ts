import { messageOf } from '../api/errors.js';
import { contentTypeOf, documentsApi, type DocumentInfo, type SearchHit } from '../documents/api.js';
import { highlight } from '../documents/highlight.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

export function passageView(hit: SearchHit, query: string): HTMLElement {
  const runs = highlight(hit.text, query).map((s) => (s.match ? h('mark', {}, s.text) : s.text));
  return h(
    'li',
    { class: 'card hit' },
    h('strong', {}, hit.citation.title),
    h('span', { class: 'muted' }, ` · score ${hit.score.toFixed(2)}`),
    h('p', {}, ...runs),
  );
}

function uploadSection(onUploaded: () => void): HTMLElement {
  const file = h('input', { type: 'file', name: 'file', accept: '.txt,.md,.markdown,.html,.htm,.pdf' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = liveRegion();
  const form = h(
    'form',
    { class: 'inline' },
    field('Document (text, Markdown, HTML or PDF)', file),
    h('button', { type: 'submit' }, 'Upload'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return void (status.textContent = 'Choose a file first.');
    const type = contentTypeOf(chosen.name);
    if (!type)
      return void (status.textContent =
        'Only .txt, .md, .html and .pdf files can be indexed. Convert the file and try again.');
    progress.hidden = false;
    status.textContent = `Uploading ${chosen.name}…`;
    documentsApi
      .upload(chosen, type, (f) => (progress.value = f))
      .then((doc) => {
        status.textContent = `Indexed ${doc.title} (${doc.chunkCount} passages).`;
        form.reset();
        onUploaded();
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)))
      .finally(() => (progress.hidden = true));
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload'),
    form,
    progress,
    status,
  );
}

function listSection(): { el: HTMLElement; reload: () => void } {
  const body = h('tbody');
  const status = liveRegion();
  const row = (doc: DocumentInfo): HTMLElement => {
    const remove = h(
      'button',
      { type: 'button', class: 'danger small', 'aria-label': `Delete ${doc.title}` },
      'Delete',
    );
    remove.addEventListener('click', () => {
      if (!confirm(`Delete "${doc.title}"? Answers will no longer cite it.`)) return;
      documentsApi
        .remove(doc.id)
        .then(() => ((status.textContent = `Deleted ${doc.title}.`), reload()))
        .catch((err: unknown) => (status.textContent = messageOf(err)));
    });
    const when = new Date(doc.createdAt).toLocaleDateString();
    return h(
      'tr',
      {},
      h('td', {}, doc.title),
      h('td', {}, doc.kind),
      h('td', { class: 'num' }, String(doc.chunkCount)),
      h('td', {}, when),
      h('td', {}, remove),
    );
  };
  const reload = (): void => {
    documentsApi
      .list()
      .then((docs) =>
        mount(
          body,
          ...(docs.length
            ? docs.map(row)
            : [h('tr', {}, h('td', { colspan: 5 }, 'No documents yet. Upload one above.'))]),
        ),
      )
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const table = h(
    'table',
    {},
    h('caption', {}, 'Your documents'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Title', 'Kind', 'Passages', 'Added', 'Action'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    body,
  );
  reload();
  return {
    el: h(
      'section',
      { class: 'card', 'aria-labelledby': 'list-title' },
      h('h2', { id: 'list-title' }, 'Documents'),
      status,
      h('div', { class: 'table-scroll' }, table),
    ),
    reload,
  };
}

function searchSection(): HTMLElement {
  const query = h('input', { type: 'search', name: 'query', required: true });
  const status = liveRegion();
  const results = h('ol', { class: 'hits' });
  const form = h(
    'form',
    { class: 'inline', role: 'search' },
    field('Search your documents', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = query.value.trim();
    if (!q) return;
    status.textContent = 'Searching…';
    documentsApi
      .search(q)
      .then((hits) => {
        mount(results, ...hits.map((hit) => passageView(hit, q)));
        status.textContent = hits.length
          ? `${hits.length} passages found.`
          : 'Nothing matched. Try other words, or upload the document first.';
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'search-title' },
    h('h2', { id: 'search-title' }, 'Search'),
    form,
    status,
    results,
  );
}

/** Documents: upload with progress, list, delete, and search with highlighted passages. */
export function documentsPage(): HTMLElement {
  const list = listSection();
  return h(
    'div',
    { class: 'page documents' },
    h('h1', {}, 'Documents'),
    uploadSection(list.reload),
    searchSection(),
    list.el,
  );
}
