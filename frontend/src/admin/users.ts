import { getJson } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

interface User {
  id: string;
  username: string;
  role: 'admin' | 'user';
  tenant: string;
  disabled: boolean;
}

/** Admin only: create users, and disable or enable them. */
export function usersSection(): HTMLElement {
  const username = h('input', { name: 'new-username', required: true, autocomplete: 'off' });
  const password = h('input', {
    name: 'new-password',
    type: 'password',
    required: true,
    minlength: 12,
    autocomplete: 'new-password',
  });
  const tenant = h('input', { name: 'new-tenant', value: 'default', autocomplete: 'off' });
  const role = h(
    'select',
    { name: 'new-role' },
    h('option', { value: 'user' }, 'user'),
    h('option', { value: 'admin' }, 'admin'),
  );
  const status = liveRegion();
  const body = h('tbody');

  const load = async (): Promise<void> => mount(body, ...(await getJson<User[]>('/admin/users')).map(row));
  const row = (user: User): HTMLElement => {
    const toggle = h(
      'button',
      { type: 'button', class: user.disabled ? 'small' : 'danger small' },
      user.disabled ? 'Enable' : 'Disable',
    );
    toggle.setAttribute('aria-label', `${user.disabled ? 'Enable' : 'Disable'} ${user.username}`);
    toggle.addEventListener('click', () => {
      getJson(`/admin/users/${user.id}`, { method: 'PATCH', body: { disabled: !user.disabled } })
        .then(() => ((status.textContent = `${user.disabled ? 'Enabled' : 'Disabled'} ${user.username}.`), load()))
        .catch((err: unknown) => (status.textContent = messageOf(err)));
    });
    return h(
      'tr',
      {},
      h('td', {}, user.username),
      h('td', {}, user.role),
      h('td', {}, user.tenant),
      h('td', {}, user.disabled ? 'disabled' : 'active'),
      h('td', {}, toggle),
    );
  };

  const form = h(
    'form',
    { class: 'grid-form' },
    field('Username', username),
    field('Password (12+ characters)', password),
    field('Tenant', tenant),
    field('Role', role),
    h('button', { type: 'submit' }, 'Create user'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      username: username.value.trim(),
      password: password.value,
      tenant: tenant.value.trim(),
      role: role.value,
    };
    getJson('/admin/users', { method: 'POST', body })
      .then(() => {
        status.textContent = `Created ${body.username}.`;
        form.reset();
        return load();
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  });
  void load().catch((err: unknown) => (status.textContent = messageOf(err)));
  const table = h(
    'table',
    {},
    h('caption', {}, 'Users'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Username', 'Role', 'Tenant', 'State', 'Action'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    body,
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'users-title' },
    h('h2', { id: 'users-title' }, 'Users'),
    form,
    status,
    h('div', { class: 'table-scroll' }, table),
  );
}
