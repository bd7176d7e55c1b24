import { session } from '../api/session.js';
import { apiKeysSection } from '../admin/api-keys.js';
import { healthSection } from '../admin/health.js';
import { usersSection } from '../admin/users.js';
import { h } from '../ui/dom.js';

/** Everyone manages their own API keys here; admins also manage users. */
export function adminPage(): HTMLElement {
  const admin = session.me?.role === 'admin';
  return h(
    'div',
    { class: 'page admin' },
    h('h1', {}, admin ? 'Admin' : 'Account'),
    apiKeysSection(),
    admin && usersSection(),
    healthSection(),
  );
}
