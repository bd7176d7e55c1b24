import { getJson } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
  revoked: boolean;
}

/** The signed-in user's API keys: create (the key is shown once), list, revoke. */
export function apiKeysSection(): HTMLElement {
  const name = h('input', { name: 'key-name', required: true, maxlength: 64, autocomplete: 'off' });
  const status = liveRegion();
  const shown = h('div', { class: 'new-key', hidden: true });
  const body = h('tbody');

  const load = async (): Promise<void> => {
    const keys = await getJson<ApiKey[]>('/auth/api-keys');
    mount(body, ...keys.map(row));
    if (keys.length === 0) mount(body, h('tr', {}, h('td', { colspan: 4 }, 'No API keys yet.')));
  };
  const row = (key: ApiKey): HTMLElement => {
    const revoke = h(
      'button',
      { type: 'button', class: 'danger small', 'aria-label': `Revoke ${key.name}`, disabled: key.revoked },
      'Revoke',
    );
    revoke.addEventListener('click', () => {
      if (!confirm(`Revoke the key "${key.name}"? Programs using it stop working at once.`)) return;
      getJson(`/auth/api-keys/${key.id}`, { method: 'DELETE' })
        .then(() => ((status.textContent = `Revoked ${key.name}.`), load()))
        .catch((err: unknown) => (status.textContent = messageOf(err)));
    });
    const when = new Date(key.createdAt).toLocaleString();
    return h(
      'tr',
      {},
      h('td', {}, key.name),
      h('td', {}, when),
      h('td', {}, key.revoked ? 'revoked' : 'active'),
      h('td', {}, revoke),
    );
  };

  const form = h(
    'form',
    { class: 'inline' },
    field('New key name', name),
    h('button', { type: 'submit' }, 'Create key'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim())
      return void (status.textContent = 'Give the key a name, such as the program that will use it.');
    getJson<ApiKey & { key: string }>('/auth/api-keys', { method: 'POST', body: { name: name.value.trim() } })
      .then((created) => {
        name.value = '';
        const value = h('input', { readonly: true, value: created.key, 'aria-label': 'New API key', class: 'mono' });
        mount(shown, h('p', {}, 'Copy this key now: it will not be shown again.'), value);
        shown.hidden = false;
        value.select();
        return load();
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  });
  void load().catch((err: unknown) => (status.textContent = messageOf(err)));
  const table = h(
    'table',
    {},
    h('caption', {}, 'Your API keys'),
    h('thead', {}, h('tr', {}, ...['Name', 'Created', 'State', 'Action'].map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'keys-title' },
    h('h2', { id: 'keys-title' }, 'API keys'),
    form,
    shown,
    status,
    h('div', { class: 'table-scroll' }, table),
  );
}
