import './styles.css';
import { resume, SIGNED_OUT } from './api/client.js';
import { session } from './api/session.js';
import { adminPage } from './pages/admin.js';
import { chatPage } from './pages/chat.js';
import { documentsPage } from './pages/documents.js';
import { emailsPage } from './pages/emails.js';
import { loginPage } from './pages/login.js';
import { transcribePage } from './pages/transcribe.js';
import { mount } from './ui/dom.js';
import { focusHeading, renderShell } from './ui/layout.js';
import { applyTheme } from './ui/theme.js';

/**
 * Hash routes (#/chat), so every page is one index.html however the
 * gateway's static routes evolve, and a reload keeps the page.
 */
const PAGES: Readonly<Record<string, () => HTMLElement | Promise<HTMLElement>>> = {
  chat: chatPage,
  transcribe: transcribePage,
  documents: documentsPage,
  emails: emailsPage,
  // Loaded on first visit: the chart library is most of the bundle.
  insights: () => import('./pages/insights.js').then((m) => m.insightsPage()),
  admin: adminPage,
};

const root = document.getElementById('app') as HTMLElement;
const routeOf = (): string => location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';

let renders = 0;

function render(event?: Event): void {
  const route = routeOf();
  const current = ++renders;
  if (!session.me) {
    mount(
      root,
      loginPage(() => navigate(PAGES[route] ? route : 'chat')),
    );
    return;
  }
  void Promise.resolve((PAGES[route] ?? chatPage)()).then((page) => {
    if (current !== renders) return; // a later navigation won
    renderShell(root, PAGES[route] ? route : 'chat', page);
    document.title = `${page.querySelector('h1')?.textContent ?? 'Nemo'} · Nemo`;
    // On a page change, not on first load: there focus starts at the top, where the skip link is.
    if (event) focusHeading(page);
  });
}

/** Goes to a page; setting the hash it already has fires no hashchange, so render directly then. */
function navigate(route: string): void {
  if (routeOf() === route) render(new Event('navigate'));
  else location.hash = `#/${route}`;
}

applyTheme();
// The skip link must not change the hash: here the hash is the route.
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
});
window.addEventListener('hashchange', render);
window.addEventListener(SIGNED_OUT, (event) => {
  location.hash = '#/login';
  render(event);
});
void resume()
  .catch(() => undefined)
  .finally(() => render());
