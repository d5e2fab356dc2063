// An invite link (/console/invite/<token>): the invited person chooses a password and is signed in.
import {post} from './api.js';
import {field, h, replace, status} from './dom.js';

export function render(main, token, signedIn) {
  document.title = 'Accept invite · OpenMaaS console';
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'new-password', minlength: 12,
      required: true});
  const again = h('input', {type: 'password', name: 'password-again', autocomplete: 'new-password', required: true});
  const outcome = h('div.outcome');
  const form = h('form.card.narrow', {id: 'invite'},
    h('h1', {}, 'Welcome to OpenMaaS'),
    h('p', {}, 'Choose a password to finish setting up your sign-in.'),
    field('Password', password, 'At least 12 characters.'),
    field('Password again', again),
    h('button', {type: 'submit'}, 'Set password and sign in'),
    outcome);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (password.value !== again.value) {
      replace(outcome, status('The two passwords differ.'));
      return;
    }
    try {
      await signedIn(await post(`/invites/${encodeURIComponent(token)}/accept`, {password: password.value}));
    } catch (e) {
      replace(outcome, status(e.status === 404
          ? 'This invite link is unknown, already used or expired. Ask for a new one.' : e.message));
    }
  });
  replace(main, form);
  password.focus();
}
