import { logout } from '../api/client.js';
import { session } from '../api/session.js';
import { h, mount } from './dom.js';
import { themeToggle } from './theme.js';

export interface NavItem {
  path: string;
  label: string;
}

export const NAV: readonly NavItem[] = [
  { path: 'chat', label: 'Chat' },
  { path: 'transcribe', label: 'Transcribe' },
  { path: 'documents', label: 'Documents' },
  { path: 'emails', label: 'Emails' },
  { path: 'insights', label: 'Insights' },
  { path: 'admin', label: 'Admin' },
];

/** The shell around every signed-in page: a skip link target, navigation, and the page's main region. */
export function renderShell(root: HTMLElement, active: string, page: HTMLElement): void {
  const me = session.me;
  const links = NAV.map((item) =>
    h(
      'li',
      {},
      h('a', { href: `#/${item.path}`, ...(item.path === active ? { 'aria-current': 'page' } : {}) }, item.label),
    ),
  );
  const signOut = h('button', { type: 'button', class: 'ghost' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void logout().then(() => (location.hash = '#/login'));
  });
  const header = h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'Nemo'),
    h('nav', { 'aria-label': 'Main' }, h('ul', {}, ...links)),
    h(
      'div',
      { class: 'account' },
      h('span', { class: 'who' }, me ? `${me.username} · ${me.tenant}` : ''),
      themeToggle(),
      signOut,
    ),
  );
  const main = h('main', { id: 'main', tabindex: '-1' }, page);
  mount(root, header, main);
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users land on it. */
export function focusHeading(page: HTMLElement): void {
  const heading = page.querySelector<HTMLElement>('h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}
