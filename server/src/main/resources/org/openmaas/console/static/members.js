// Members: who may use this account; owners (and operators) add people by email and remove them. Someone new gets
// a one-time invite link to pass on.
import {accountPath, del, get, post} from './api.js';
import {action, field, h, replace, status, table} from './dom.js';
import {inviteLink} from './operator.js';

export const title = 'Members';

export async function render(main, {account, me}) {
  const outcome = h('div.outcome', {'aria-live': 'polite'});
  const list = h('div');
  const email = h('input', {type: 'email', name: 'member-email', required: true});
  const role = h('select', {name: 'member-role'}, h('option', {value: 'member'}, 'member'),
      h('option', {value: 'owner'}, 'owner'));
  const form = h('form.inline', {id: 'new-member'}, field('Email', email), field('Role', role),
      h('button', {type: 'submit'}, 'Add member'));
  const draw = async () => {
    const {members} = await get(accountPath(account, '/members'));
    replace(list, table(['Email', 'Role', ''], members, m => [m.email, m.role,
      m.user_id === me.user.id ? '(you)' : h('button.danger', {type: 'button', 'aria-label': `Remove ${m.email}`,
        onclick: action(outcome, async () => {
          if (!confirm(`Remove ${m.email} from this account?`)) return;
          await del(accountPath(account, `/members/${encodeURIComponent(m.user_id)}`));
          replace(outcome, status(`${m.email} was removed.`, 'info'));
          await draw();
        })}, 'Remove')]));
  };
  form.addEventListener('submit', action(outcome, async () => {
    const added = await post(accountPath(account, '/members'), {email: email.value.trim(), role: role.value});
    replace(outcome, added.invite_url ? inviteLink(added.email, added.invite_url)
        : status(`${added.email} is now a ${added.role} of this account.`, 'info'));
    email.value = '';
    await draw();
  }));
  replace(main, h('h1', {}, title), h('p', {}, `People who may use cloud account ${account}.`), form, outcome, list);
  await draw();
}
