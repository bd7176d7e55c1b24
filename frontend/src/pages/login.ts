import { login } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { field, h } from '../ui/dom.js';
import { themeToggle } from '../ui/theme.js';

/** Sign-in. Errors appear next to the form, in words, and take focus so they are heard. */
export function loginPage(onSignedIn: () => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card login', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, 'Sign in to Nemo'),
    field('Username', username),
    field('Password', password),
    error,
    submit,
  );
  const show = (message: string): void => {
    error.textContent = message;
    error.hidden = false;
    error.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) return show('Enter your username and password.');
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    login(username.value.trim(), password.value)
      .then(onSignedIn)
      .catch((err: unknown) => show(messageOf(err)))
      .finally(() => {
        submit.disabled = false;
        submit.textContent = 'Sign in';
      });
  });
  return h(
    'div',
    { class: 'login-page' },
    h('div', { class: 'login-theme' }, themeToggle()),
    h('main', { id: 'main' }, form),
  );
}
