// Sign-in: email and password for a session cookie; the server's message (wrong password, too many attempts) shown.
import {post} from './api.js';
import {field, h, replace, status} from './dom.js';

export const title = 'Sign in';

export function render(main, signedIn, message) {
  document.title = 'Sign in · OpenMaaS console';
  const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'current-password', required: true});
  const outcome = h('div.outcome', {}, message ? status(message, 'info') : null);
  const form = h('form.card.narrow', {id: 'sign-in'},
    h('h1', {}, 'Sign in to OpenMaaS'),
    field('Email', email),
    field('Password', password),
    h('button', {type: 'submit'}, 'Sign in'),
    outcome);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(outcome);
    try {
      await signedIn(await post('/session', {email: email.value.trim(), password: password.value}));
    } catch (e) {
      const wait = e.retryAfter ? ` Try again in ${e.retryAfter} s.` : '';
      replace(outcome, status(e.status === 401 ? 'Wrong email or password.' : e.message + wait));
      password.select();
    }
  });
  replace(main, form);
  email.focus();
}
